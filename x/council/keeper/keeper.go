// Package keeper holds the council's state: the admitted agencies (validator allowlist) and
// the accounts authorised to write, and enforces both on every route into x/staking.
package keeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/amanah-id/amanah/x/council/types"
)

// Keeper holds the council's state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	authority    string // the gov module account, which carries council decisions

	bank     types.BankKeeper
	staking  types.StakingKeeper
	slashing types.SlashingKeeper
	trust    types.TrustKeeper

	Schema  collections.Schema
	Params  collections.Item[types.Params]
	Members collections.Map[[]byte, types.Member] // operator account bytes -> member
	Writers collections.Map[[]byte, types.Writer] // account bytes -> writer (members are writers implicitly)
	// Usage is each writer's gas in its latest quota window (quota.go); entries of past
	// windows are pruned at the start of each window, so it holds at most one entry per
	// writer that wrote in the current or the previous window.
	Usage collections.Map[[]byte, types.WriterUsage]
}

// NewKeeper builds the council keeper. authority is the bech32 address of the gov module.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, ak types.AccountKeeper,
	bk types.BankKeeper, authority string,
) *Keeper {
	if _, err := ak.AddressCodec().StringToBytes(authority); err != nil {
		panic(fmt.Errorf("council authority %q: %w", authority, err))
	}
	if ak.GetModuleAddress(types.ModuleName) == nil {
		panic("council module account has not been set")
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := &Keeper{
		cdc:          cdc,
		addressCodec: ak.AddressCodec(),
		authority:    authority,
		bank:         bk,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Members:      collections.NewMap(sb, types.MembersKey, "members", collections.BytesKey, codec.CollValue[types.Member](cdc)),
		Writers:      collections.NewMap(sb, types.WritersKey, "writers", collections.BytesKey, codec.CollValue[types.Writer](cdc)),
		Usage:        collections.NewMap(sb, types.UsageKey, "usage", collections.BytesKey, codec.CollValue[types.WriterUsage](cdc)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// SetValidatorKeepers wires x/staking and x/slashing, which are built after the council
// (staking's hooks need the council keeper, and removal needs staking and slashing).
func (k *Keeper) SetValidatorKeepers(sk types.StakingKeeper, slk types.SlashingKeeper) {
	k.staking = sk
	k.slashing = slk
}

// SetTrustKeeper wires x/trust, which is built after the council (it authorises accredited
// operators as writers) and answers whether their accreditations are in force. Without it,
// writers whose right rests on an accreditation cannot write (fail closed).
func (k *Keeper) SetTrustKeeper(tk types.TrustKeeper) { k.trust = tk }

// Authority returns the address that carries council decisions (the gov module account).
func (k *Keeper) Authority() string { return k.authority }

// AddressCodec returns the account address codec.
func (k *Keeper) AddressCodec() address.Codec { return k.addressCodec }

// IsMember reports whether the account is an admitted agency.
func (k *Keeper) IsMember(ctx context.Context, acc sdk.AccAddress) (bool, error) {
	return k.Members.Has(ctx, acc)
}

// CanWrite reports whether the account may submit transactions now (see WriteDenied).
func (k *Keeper) CanWrite(ctx context.Context, acc sdk.AccAddress) (bool, error) {
	reason, err := k.WriteDenied(ctx, acc)
	return reason == "" && err == nil, err
}

// WriteDenied returns "" when the account may submit transactions at the block time, else why
// not. Members write; a writer authorised by the council writes; a writer authorised by a
// member writes while that member is on the council; a writer authorised through an
// accreditation (an accredited issuer's or body's operator) writes while x/trust finds that
// accreditation in force with its chain (status, validity, DIDs, the body above it). The
// answer is a direct lookup, a few store reads, so the ante handler asks it for every signer
// and nothing needs a sweep when an accreditation lapses.
func (k *Keeper) WriteDenied(ctx context.Context, acc sdk.AccAddress) (string, error) {
	if ok, err := k.Members.Has(ctx, acc); err != nil || ok {
		return "", err
	}
	w, err := k.Writers.Get(ctx, acc)
	if errors.Is(err, collections.ErrNotFound) {
		return "not a member or authorised writer: ask a council member to authorise it (MsgAuthorizeWriter)", nil
	} else if err != nil {
		return "", err
	}
	if w.AccreditationId != "" {
		if k.trust == nil {
			return fmt.Sprintf("accreditation %s cannot be checked", w.AccreditationId), nil
		}
		reason, err := k.trust.AccreditationInForce(ctx, w.AccreditationId, sdk.UnwrapSDKContext(ctx).BlockTime())
		if err != nil || reason == "" {
			return "", err
		}
		return fmt.Sprintf("the right rests on accreditation %s, which is not in force (%s)", w.AccreditationId, reason), nil
	}
	granter, err := k.addressCodec.StringToBytes(w.AuthorizedBy)
	if err != nil {
		// A denial, not a failure: the stored writer names no address (the reason says why).
		return fmt.Sprintf("authorised by %q, not an address: %v", w.AuthorizedBy, err), nil
	}
	if k.checkAuthority(w.AuthorizedBy) == nil {
		return "", nil
	}
	ok, err := k.Members.Has(ctx, granter)
	if err != nil || ok {
		return "", err
	}
	return fmt.Sprintf("authorised by %s, which is no longer a council member", w.AuthorizedBy), nil
}

// AuthorizeWriter records acc as a writer granted by granter (a member or the council).
func (k *Keeper) AuthorizeWriter(ctx context.Context, acc sdk.AccAddress, granter, note string) error {
	return k.authorizeWriter(ctx, acc, granter, "", note)
}

// AuthorizeAccreditedWriter records acc as the operator of accreditation accreditationID,
// granted by granter (the trust module account): acc writes while the accreditation is in
// force. A later grant to the same account replaces this one.
func (k *Keeper) AuthorizeAccreditedWriter(ctx context.Context, acc sdk.AccAddress, granter, accreditationID, note string) error {
	if accreditationID == "" {
		return errorsmod.Wrap(types.ErrInvalidAccreditation, "accredited writer without an accreditation id")
	}
	return k.authorizeWriter(ctx, acc, granter, accreditationID, note)
}

func (k *Keeper) authorizeWriter(ctx context.Context, acc sdk.AccAddress, granter, accreditationID, note string) error {
	if ok, err := k.Members.Has(ctx, acc); err != nil || ok {
		return err // members write already
	}
	addr, err := k.addressCodec.BytesToString(acc)
	if err != nil {
		return err
	}
	w := types.Writer{Address: addr, AuthorizedBy: granter, Note: note, Height: sdk.UnwrapSDKContext(ctx).BlockHeight(),
		AccreditationId: accreditationID}
	if err := k.Writers.Set(ctx, acc, w); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventWriterAuthorized{Address: addr, AuthorizedBy: granter})
}

// revokeWritersGrantedBy drops every writer the account authorised, in the block of the
// member's removal. It walks the writers: removal is a council decision, rare and executed by
// gov, not a transaction path. (WriteDenied refuses such writers anyway.)
func (k *Keeper) revokeWritersGrantedBy(ctx context.Context, granter sdk.AccAddress) error {
	var drop []types.Writer
	if err := k.Writers.Walk(ctx, nil, func(_ []byte, w types.Writer) (bool, error) {
		if w.AccreditationId != "" {
			return false, nil
		}
		if bz, err := k.addressCodec.StringToBytes(w.AuthorizedBy); err == nil && granter.Equals(sdk.AccAddress(bz)) {
			drop = append(drop, w)
		}
		return false, nil
	}); err != nil {
		return err
	}
	for _, w := range drop {
		acc, err := k.account("writer", w.Address)
		if err != nil {
			return err
		}
		if err := k.Writers.Remove(ctx, acc); err != nil {
			return err
		}
		if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
			&types.EventWriterRevoked{Address: w.Address, RevokedBy: k.authority}); err != nil {
			return err
		}
	}
	return nil
}

// admit adds a member and mints its bond so it can create its validator.
func (k *Keeper) admit(ctx context.Context, acc sdk.AccAddress, m types.Member) error {
	if ok, err := k.Members.Has(ctx, acc); err != nil {
		return err
	} else if ok {
		return errorsmod.Wrap(types.ErrAlreadyMember, m.Address)
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	denom, err := k.staking.BondDenom(ctx)
	if err != nil {
		return err
	}
	if err := k.Members.Set(ctx, acc, m); err != nil {
		return err
	}
	if err := k.Writers.Remove(ctx, acc); err != nil {
		return err
	}
	// Top the agency up to exactly one bond; bond tokens cannot be transferred, so nobody
	// can hold more than the council gave them.
	have := k.bank.GetBalance(ctx, acc, denom).Amount
	if need := params.BondAmount.Sub(have); need.IsPositive() {
		coins := sdk.NewCoins(sdk.NewCoin(denom, need))
		if err := k.bank.MintCoins(ctx, types.ModuleName, coins); err != nil {
			return err
		}
		if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, acc, coins); err != nil {
			return err
		}
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMemberAdmitted{Address: m.Address, Name: m.Name})
}

// remove takes a member off the council; if it runs a validator, the validator is jailed and
// tombstoned (it can never unjail) and its self-delegation unbonded. Staking then sends
// CometBFT a zero-power update at the end of this block, effective two blocks later.
func (k *Keeper) remove(ctx context.Context, acc sdk.AccAddress) error {
	m, err := k.Members.Get(ctx, acc)
	if errors.Is(err, collections.ErrNotFound) {
		return errorsmod.Wrap(types.ErrNotMember, acc.String())
	} else if err != nil {
		return err
	}
	valAddr := sdk.ValAddress(acc)
	val, err := k.staking.GetValidator(ctx, valAddr)
	switch {
	case err == nil:
		consAddr, err := val.GetConsAddr()
		if err != nil {
			return err
		}
		if !val.IsJailed() {
			if err := k.slashing.Jail(ctx, consAddr); err != nil {
				return fmt.Errorf("jail %s: %w", valAddr, err)
			}
		}
		if !k.slashing.IsTombstoned(ctx, consAddr) {
			if err := k.slashing.JailUntil(ctx, consAddr, time.Unix(253402300799, 0).UTC()); err != nil {
				return fmt.Errorf("jail %s until the end of time: %w", valAddr, err)
			}
			if err := k.slashing.Tombstone(ctx, consAddr); err != nil {
				return fmt.Errorf("tombstone %s: %w", valAddr, err)
			}
		}
		del, err := k.staking.GetDelegation(ctx, acc, valAddr)
		if err == nil && del.Shares.IsPositive() {
			if _, _, err := k.staking.Undelegate(ctx, acc, valAddr, del.Shares); err != nil {
				return fmt.Errorf("unbond %s: %w", valAddr, err)
			}
		}
	case !isNotFound(err):
		return err
	}
	// Drop the membership last: the staking hooks let only members change their delegation.
	if err := k.Members.Remove(ctx, acc); err != nil {
		return err
	}
	if err := k.revokeWritersGrantedBy(ctx, acc); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMemberRemoved{Address: m.Address, Name: m.Name})
}

func isNotFound(err error) bool {
	return errors.Is(err, collections.ErrNotFound) || errorsmod.IsOf(err, stakingtypes.ErrNoValidatorFound)
}

// BondAmount returns the council bond as a coin of the staking bond denom.
func (k *Keeper) BondAmount(ctx context.Context) (sdk.Coin, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return sdk.Coin{}, err
	}
	denom, err := k.staking.BondDenom(ctx)
	if err != nil {
		return sdk.Coin{}, err
	}
	return sdk.NewCoin(denom, p.BondAmount), nil
}
