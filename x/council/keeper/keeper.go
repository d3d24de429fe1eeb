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

// Authority returns the address that carries council decisions (the gov module account).
func (k *Keeper) Authority() string { return k.authority }

// AddressCodec returns the account address codec.
func (k *Keeper) AddressCodec() address.Codec { return k.addressCodec }

// IsMember reports whether the account is an admitted agency.
func (k *Keeper) IsMember(ctx context.Context, acc sdk.AccAddress) (bool, error) {
	return k.Members.Has(ctx, acc)
}

// CanWrite reports whether the account may submit transactions: members, writers, and the
// council's own module accounts.
func (k *Keeper) CanWrite(ctx context.Context, acc sdk.AccAddress) (bool, error) {
	if ok, err := k.Members.Has(ctx, acc); err != nil || ok {
		return ok, err
	}
	return k.Writers.Has(ctx, acc)
}

// AuthorizeWriter records acc as a writer granted by granter; other modules call it (an
// accredited issuer's operator account becomes a writer).
func (k *Keeper) AuthorizeWriter(ctx context.Context, acc sdk.AccAddress, granter, note string) error {
	if ok, err := k.Members.Has(ctx, acc); err != nil || ok {
		return err // members write already
	}
	addr, err := k.addressCodec.BytesToString(acc)
	if err != nil {
		return err
	}
	w := types.Writer{Address: addr, AuthorizedBy: granter, Note: note, Height: sdk.UnwrapSDKContext(ctx).BlockHeight()}
	if err := k.Writers.Set(ctx, acc, w); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventWriterAuthorized{Address: addr, AuthorizedBy: granter})
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
