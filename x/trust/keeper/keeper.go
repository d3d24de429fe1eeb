// Package keeper holds the trust registry's state: credential types, the accreditation chain
// rooted in the council, and the relying parties; and answers whether an issuer is accredited.
package keeper

import (
	"bytes"
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/amanah-id/amanah/didcore"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	"github.com/amanah-id/amanah/x/trust/types"
)

// SigningRelationship is the verification relationship whose methods authorise trust registry
// changes: the DID's controlling keys, not its day-to-day credential-signing (assertionMethod) keys.
const SigningRelationship = didcore.CapabilityInvocation

// AccreditationIndexes look accreditations up by the accreditor. (By holder: Keeper.Held, one
// provable value per holder, which replaced the multi-index of state version 1.)
type AccreditationIndexes struct {
	// Accreditor maps accreditor DID ("" for the council) -> accreditation id.
	Accreditor *indexes.Multi[string, string, types.Accreditation]
}

// IndexesList lists the indexes for collections.
func (i AccreditationIndexes) IndexesList() []collections.Index[string, types.Accreditation] {
	return []collections.Index[string, types.Accreditation]{i.Accreditor}
}

// Keeper holds the trust registry's state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	authority    string // the gov module account, which carries council decisions
	moduleAddr   string // recorded as the granter of writers this module authorises

	did     types.DIDKeeper
	council types.CouncilKeeper

	Schema          collections.Schema
	CredentialTypes collections.Map[collections.Pair[string, uint32], types.CredentialType]
	Accreditations  *collections.IndexedMap[string, types.Accreditation, AccreditationIndexes]
	RelyingParties  collections.Map[string, types.RelyingParty]
	// Held maps an accredited DID to the sorted ids of every accreditation it holds (revoked
	// ones included: accreditations are never deleted).
	Held collections.Map[string, types.AccreditationIds]
	// Changes is the per-block change journal: height -> what the block changed (written in
	// EndBlock, pruned after ChangeRetentionBlocks, not exported).
	Changes collections.Map[int64, types.TrustChanges]
	// StoreVersion is the state version (see types.StoreVersionKey).
	StoreVersion collections.Item[uint64]
	// LedgerRecognitions holds every version of every foreign-ledger recognition (chain id,
	// version from 1) -> LedgerRecognition; never deleted (state version 4).
	LedgerRecognitions collections.Map[collections.Pair[string, uint32], types.LedgerRecognition]

	// What the current block changed, in the transient store: a failed transaction's entries
	// go with its cache, CheckTx and simulation never reach the block's store, and commit
	// empties them.
	ChangedAccredited     collections.KeySet[string]
	ChangedRelyingParties collections.KeySet[string]
	ChangedVCTs           collections.KeySet[string]
	ChangedLedgers        collections.KeySet[string]

	storeService corestore.KVStoreService
}

// NewKeeper builds the trust registry keeper on its store and transient store, the DID
// registry and the council.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, tstoreService corestore.TransientStoreService,
	dk types.DIDKeeper, ck types.CouncilKeeper,
) *Keeper {
	ac := ck.AddressCodec()
	if _, err := ac.StringToBytes(ck.Authority()); err != nil {
		panic(errorsmod.Wrapf(err, "trust authority %q", ck.Authority()))
	}
	moduleAddr, err := ac.BytesToString(authtypes.NewModuleAddress(types.ModuleName))
	if err != nil {
		panic(err)
	}
	sb := collections.NewSchemaBuilder(storeService)
	tsb := collections.NewSchemaBuilderFromAccessor(tstoreService.OpenTransientStore)
	k := &Keeper{
		storeService: storeService,
		cdc:          cdc,
		addressCodec: ac,
		authority:    ck.Authority(),
		moduleAddr:   moduleAddr,
		did:          dk,
		council:      ck,
		CredentialTypes: collections.NewMap(sb, types.CredentialTypesKey, "credential_types",
			collections.PairKeyCodec(collections.StringKey, collections.Uint32Key), codec.CollValue[types.CredentialType](cdc)),
		Accreditations: collections.NewIndexedMap(sb, types.AccreditationsKey, "accreditations",
			collections.StringKey, codec.CollValue[types.Accreditation](cdc),
			AccreditationIndexes{
				Accreditor: indexes.NewMulti(sb, types.AccreditationsByGrantorKey, "accreditations_by_accreditor",
					collections.StringKey, collections.StringKey,
					func(_ string, a types.Accreditation) (string, error) { return a.Accreditor, nil }),
			}),
		RelyingParties: collections.NewMap(sb, types.RelyingPartiesKey, "relying_parties",
			collections.StringKey, codec.CollValue[types.RelyingParty](cdc)),
		Held:         collections.NewMap(sb, types.HeldKey, "held", collections.StringKey, codec.CollValue[types.AccreditationIds](cdc)),
		Changes:      collections.NewMap(sb, types.ChangesKey, "changes", collections.Int64Key, codec.CollValue[types.TrustChanges](cdc)),
		StoreVersion: collections.NewItem(sb, types.StoreVersionKey, "store_version", collections.Uint64Value),
		LedgerRecognitions: collections.NewMap(sb, types.LedgerRecognitionsKey, "ledger_recognitions",
			collections.PairKeyCodec(collections.StringKey, collections.Uint32Key), codec.CollValue[types.LedgerRecognition](cdc)),
		ChangedAccredited: collections.NewKeySet(tsb, types.ChangedAccreditedKey, "changed_accredited",
			collections.StringKey),
		ChangedRelyingParties: collections.NewKeySet(tsb, types.ChangedRelyingPartiesKey, "changed_relying_parties",
			collections.StringKey),
		ChangedVCTs:    collections.NewKeySet(tsb, types.ChangedVCTsKey, "changed_vcts", collections.StringKey),
		ChangedLedgers: collections.NewKeySet(tsb, types.ChangedLedgersKey, "changed_ledgers", collections.StringKey),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	if _, err := tsb.Build(); err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// Authority returns the address that carries council decisions (the gov module account).
func (k *Keeper) Authority() string { return k.authority }

// checkAuthority compares the signer with the gov authority by address bytes.
func (k *Keeper) checkAuthority(signer string) error {
	got, err := k.addressCodec.StringToBytes(signer)
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvalidAddress, "signer %q: %v", signer, err)
	}
	want, _ := k.addressCodec.StringToBytes(k.authority)
	if !bytes.Equal(got, want) {
		return errorsmod.Wrapf(types.ErrInvalidAuthority, "expected %s, got %s", k.authority, signer)
	}
	return nil
}

// account decodes an account address.
func (k *Keeper) account(field, addr string) (sdk.AccAddress, error) {
	bz, err := k.addressCodec.StringToBytes(addr)
	if err != nil || len(bz) == 0 {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "%s %q", field, addr)
	}
	return bz, nil
}

// authorize checks who acts on a payload. An empty actor is the council: the message must come
// from the gov authority and carry no signatures. Otherwise the signatures must be by the
// actor's capabilityInvocation methods over the payload's sign bytes (chain id and message
// type bound in), and the fee payer may be any account.
func (k *Keeper) authorize(ctx context.Context, msg sdk.Msg, signer, actor string, payload proto.Message, sigs []didtypes.DidSignature) error {
	if err := types.ValidateSignatures(actor, sigs); err != nil {
		return err
	}
	if actor == "" {
		return k.checkAuthority(signer)
	}
	if _, err := k.account("signer", signer); err != nil {
		return err
	}
	err := k.verifyDIDSignatures(ctx, msg, actor, payload, sigs)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, didtypes.ErrDidDeactivated):
		return errorsmod.Wrap(types.ErrActorDeactivated, actor)
	case errors.Is(err, didtypes.ErrDidNotFound):
		return errorsmod.Wrap(types.ErrActorNotFound, actor)
	case errors.Is(err, didtypes.ErrUnauthorized), errors.Is(err, didtypes.ErrInvalidSignature),
		errors.Is(err, didtypes.ErrMissingSignature), errors.Is(err, didtypes.ErrInvalidDid):
		return errorsmod.Wrapf(types.ErrInvalidSignature, "%s: %v", actor, err)
	default:
		return err
	}
}

// verifyDIDSignatures checks sigs against did's capabilityInvocation methods over payload's
// sign bytes (chain id and message type bound in), through x/did; the error is x/did's.
func (k *Keeper) verifyDIDSignatures(ctx context.Context, msg sdk.Msg, did string, payload proto.Message, sigs []didtypes.DidSignature) error {
	sb, err := didtypes.SignBytes(sdk.UnwrapSDKContext(ctx).ChainID(), sdk.MsgTypeURL(msg), payload)
	if err != nil {
		return errorsmod.Wrap(types.ErrInvalidPayload, err.Error())
	}
	return k.did.VerifySignatures(ctx, did, SigningRelationship, sb, sigs)
}

// relyingPartyConsent checks the relying party's own signatures over the registration payload:
// by its capabilityInvocation methods, over the same sign bytes the registrar signs. They are
// required when required (an active registration), else checked when present.
func (k *Keeper) relyingPartyConsent(ctx context.Context, msg sdk.Msg, rpDID string, payload proto.Message, sigs []didtypes.DidSignature, required bool) error {
	if len(sigs) == 0 {
		if required {
			return errorsmod.Wrapf(types.ErrMissingRPSignature, "an active registration must be signed by %s", rpDID)
		}
		return nil
	}
	if len(sigs) > types.MaxSignatures {
		return errorsmod.Wrapf(types.ErrInvalidPayload, "%d relying-party signatures, the bound is %d", len(sigs), types.MaxSignatures)
	}
	err := k.verifyDIDSignatures(ctx, msg, rpDID, payload, sigs)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, didtypes.ErrDidDeactivated), errors.Is(err, didtypes.ErrDidNotFound):
		return errorsmod.Wrapf(types.ErrSubjectInactive, "%s: %v", rpDID, err)
	case errors.Is(err, didtypes.ErrUnauthorized):
		return errorsmod.Wrapf(types.ErrRPKeyNotAuthorised, "%s: %v", rpDID, err)
	case errors.Is(err, didtypes.ErrInvalidSignature), errors.Is(err, didtypes.ErrMissingSignature),
		errors.Is(err, didtypes.ErrPayloadTooLarge), errors.Is(err, didtypes.ErrInvalidDid):
		return errorsmod.Wrapf(types.ErrInvalidRPSignature, "%s: %v", rpDID, err)
	default:
		return err
	}
}

// requireActive fails unless did exists on the DID registry and is not deactivated.
func (k *Keeper) requireActive(ctx context.Context, did string) error {
	ok, err := k.did.IsActive(ctx, did)
	if err != nil {
		return err
	}
	if !ok {
		return errorsmod.Wrap(types.ErrSubjectInactive, did)
	}
	return nil
}
