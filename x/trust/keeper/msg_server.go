package keeper

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/x/trust/types"
)

type msgServer struct{ k *Keeper }

// NewMsgServerImpl returns the trust registry's Msg service.
func NewMsgServerImpl(k *Keeper) types.MsgServer { return msgServer{k: k} }

var _ types.MsgServer = msgServer{}

func (m msgServer) RegisterCredentialType(ctx context.Context, msg *types.MsgRegisterCredentialType) (*types.MsgRegisterCredentialTypeResponse, error) {
	p := msg.Payload
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := m.k.authorize(ctx, msg, msg.Signer, p.Registrant, &msg.Payload, msg.Signatures); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if p.Registrant != "" {
		if err := m.k.checkBodyScope(ctx, p.Registrant, sdkCtx.BlockTime(), []string{p.Vct}); err != nil {
			return nil, err
		}
	}
	if err := m.k.checkTypeOwner(ctx, p.Vct, p.Registrant); err != nil {
		return nil, err
	}
	if ok, err := m.k.CredentialTypes.Has(ctx, collections.Join(p.Vct, p.Version)); err != nil {
		return nil, err
	} else if ok {
		return nil, errorsmod.Wrapf(types.ErrDuplicateVersion, "%s version %d", p.Vct, p.Version)
	}
	latest, err := m.k.latestVersion(ctx, p.Vct)
	if err != nil {
		return nil, err
	}
	if p.Version != latest+1 {
		return nil, errorsmod.Wrapf(types.ErrVersionNotIncreasing, "%s: latest is %d, got %d", p.Vct, latest, p.Version)
	}
	sdkCtx.GasMeter().ConsumeGas(uint64(len(p.Schema))*types.SchemaCompileGasPerByte, "trust: compile schema")
	claims, err := types.ValidateSchema(p.Schema)
	if err != nil {
		return nil, err
	}
	if err := types.ClaimsIn(claims, p.SelectivelyDisclosable); err != nil {
		return nil, errorsmod.Wrap(err, "selectively_disclosable")
	}
	ct := types.CredentialType{
		Vct: p.Vct, Version: p.Version, Schema: p.Schema, SchemaSha256: types.SchemaDigest(p.Schema),
		SelectivelyDisclosable: p.SelectivelyDisclosable, DisplayName: p.DisplayName, Description: p.Description,
		RegisteredBy: p.Registrant, RegisteredAt: sdkCtx.BlockTime(),
	}
	if err := m.k.CredentialTypes.Set(ctx, collections.Join(p.Vct, p.Version), ct); err != nil {
		return nil, err
	}
	if err := m.k.ChangedVCTs.Set(ctx, ct.Vct); err != nil {
		return nil, err
	}
	if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventCredentialTypeRegistered{
		Vct: ct.Vct, Version: ct.Version, SchemaSha256: hex.EncodeToString(ct.SchemaSha256), RegisteredBy: ct.RegisteredBy,
	}); err != nil {
		return nil, err
	}
	return &types.MsgRegisterCredentialTypeResponse{SchemaSha256: ct.SchemaSha256}, nil
}

func (m msgServer) Accredit(ctx context.Context, msg *types.MsgAccredit) (*types.MsgAccreditResponse, error) {
	p := msg.Payload
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var operator sdk.AccAddress
	if p.Operator != "" {
		acc, err := m.k.account("operator", p.Operator)
		if err != nil {
			return nil, err
		}
		operator = acc
	}
	if err := m.k.authorize(ctx, msg, msg.Signer, p.Accreditor, &msg.Payload, msg.Signatures); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if p.Accreditor != "" {
		if err := m.k.checkGrant(ctx, p, sdkCtx.BlockTime()); err != nil {
			return nil, err
		}
	}
	if ok, err := m.k.Accreditations.Has(ctx, p.Id); err != nil {
		return nil, err
	} else if ok {
		return nil, errorsmod.Wrap(types.ErrAccreditationExists, p.Id)
	}
	if err := m.k.requireActive(ctx, p.Accredited); err != nil {
		return nil, err
	}
	a := types.Accreditation{
		Id: p.Id, Accreditor: p.Accreditor, Accredited: p.Accredited, Role: p.Role, Vcts: p.Vcts,
		ValidFrom: p.ValidFrom, ValidUntil: p.ValidUntil, Status: types.ACCREDITATION_STATUS_ACTIVE, Operator: p.Operator,
		History: []types.StatusChange{{
			Status: int32(types.ACCREDITATION_STATUS_ACTIVE), Time: sdkCtx.BlockTime(), Height: sdkCtx.BlockHeight(),
			By: p.Accreditor, Reason: "granted",
		}},
	}
	if err := m.k.Accreditations.Set(ctx, a.Id, a); err != nil {
		return nil, err
	}
	if err := m.k.addHeld(ctx, a.Accredited, a.Id); err != nil {
		return nil, err
	}
	if err := m.k.ChangedAccredited.Set(ctx, a.Accredited); err != nil {
		return nil, err
	}
	if operator != nil {
		note := fmt.Sprintf("operator of %s %s (accreditation %s)", p.Role.Describe(), p.Accredited, p.Id)
		if err := m.k.council.AuthorizeAccreditedWriter(ctx, operator, m.k.moduleAddr, a.Id, note); err != nil {
			return nil, fmt.Errorf("authorise operator %s: %w", p.Operator, err)
		}
	}
	if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventAccredited{
		Id: a.Id, Accreditor: a.Accreditor, Accredited: a.Accredited, Role: a.Role, Vcts: a.Vcts, Operator: a.Operator,
	}); err != nil {
		return nil, err
	}
	return &types.MsgAccreditResponse{}, nil
}

func (m msgServer) SetAccreditationStatus(ctx context.Context, msg *types.MsgSetAccreditationStatus) (*types.MsgSetAccreditationStatusResponse, error) {
	p := msg.Payload
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := m.k.authorize(ctx, msg, msg.Signer, p.Actor, &msg.Payload, msg.Signatures); err != nil {
		return nil, err
	}
	a, err := m.k.Accreditations.Get(ctx, p.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrap(types.ErrAccreditationNotFound, p.Id)
	} else if err != nil {
		return nil, err
	}
	if p.Actor != "" && p.Actor != a.Accreditor {
		return nil, errorsmod.Wrapf(types.ErrNotAccreditor, "%s was accredited by %q", p.Id, a.Accreditor)
	}
	if p.Sequence != uint64(len(a.History)) {
		return nil, errorsmod.Wrapf(types.ErrStaleSequence, "%s has %d changes, got sequence %d", p.Id, len(a.History), p.Sequence)
	}
	switch {
	case a.Status == types.ACCREDITATION_STATUS_REVOKED:
		return nil, errorsmod.Wrapf(types.ErrInvalidTransition, "%s is revoked for good", p.Id)
	case a.Status == p.Status:
		return nil, errorsmod.Wrapf(types.ErrInvalidTransition, "%s is already %s", p.Id, p.Status)
	case len(a.History) >= types.MaxHistory:
		return nil, errorsmod.Wrapf(types.ErrInvalidTransition, "%s has reached %d changes", p.Id, types.MaxHistory)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	a.Status = p.Status
	a.History = append(a.History, types.StatusChange{
		Status: int32(p.Status), Time: sdkCtx.BlockTime(), Height: sdkCtx.BlockHeight(), By: p.Actor, Reason: p.Reason,
	})
	if err := m.k.Accreditations.Set(ctx, a.Id, a); err != nil {
		return nil, err
	}
	if err := m.k.ChangedAccredited.Set(ctx, a.Accredited); err != nil {
		return nil, err
	}
	if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventAccreditationStatusChanged{
		Id: a.Id, Accredited: a.Accredited, Status: a.Status, By: p.Actor, Reason: p.Reason,
	}); err != nil {
		return nil, err
	}
	return &types.MsgSetAccreditationStatusResponse{}, nil
}

func (m msgServer) RegisterRelyingParty(ctx context.Context, msg *types.MsgRegisterRelyingParty) (*types.MsgRegisterRelyingPartyResponse, error) {
	p := msg.Payload
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := m.k.authorize(ctx, msg, msg.Signer, p.Registrar, &msg.Payload, msg.Signatures); err != nil {
		return nil, err
	}
	// The relying party consents to every write that leaves it active (its audiences are in the
	// signed payload); a suspension or revocation needs only the registrar or the council.
	active := p.Status == types.RELYING_PARTY_STATUS_ACTIVE
	if err := m.k.relyingPartyConsent(ctx, msg, p.Did, &msg.Payload, msg.RelyingPartySignatures, active); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if p.Registrar != "" {
		vcts := make([]string, len(p.Permissions))
		for i, perm := range p.Permissions {
			vcts[i] = perm.Vct
		}
		if err := m.k.checkBodyScope(ctx, p.Registrar, sdkCtx.BlockTime(), vcts); err != nil {
			return nil, err
		}
	}
	registrar := p.Registrar
	cur, err := m.k.RelyingParties.Get(ctx, p.Did)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		if p.Version != 1 {
			return nil, errorsmod.Wrapf(types.ErrRelyingPartyNotFound, "%s (version %d is an update)", p.Did, p.Version)
		}
	case err != nil:
		return nil, err
	case p.Version == 1:
		return nil, errorsmod.Wrap(types.ErrRelyingPartyExists, p.Did)
	case p.Version != cur.Version+1:
		return nil, errorsmod.Wrapf(types.ErrStaleVersion, "%s is at version %d, got %d", p.Did, cur.Version, p.Version)
	case p.Registrar != "" && p.Registrar != cur.Registrar:
		return nil, errorsmod.Wrapf(types.ErrNotRegistrar, "%s was registered by %q", p.Did, cur.Registrar)
	case cur.Status == types.RELYING_PARTY_STATUS_REVOKED:
		return nil, errorsmod.Wrapf(types.ErrInvalidTransition, "%s is revoked for good", p.Did)
	default:
		registrar = cur.Registrar
	}
	if p.Status == types.RELYING_PARTY_STATUS_ACTIVE {
		if err := m.k.requireActive(ctx, p.Did); err != nil {
			return nil, err
		}
	}
	for _, perm := range p.Permissions {
		ct, err := m.k.LatestCredentialType(ctx, perm.Vct)
		if err != nil {
			return nil, err
		}
		claims, err := types.SchemaClaims(ct.Schema)
		if err != nil {
			return nil, err
		}
		if err := types.ClaimsIn(claims, perm.Claims); err != nil {
			return nil, errorsmod.Wrapf(err, "%s version %d", ct.Vct, ct.Version)
		}
	}
	if err := m.k.checkForeign(ctx, p.Foreign); err != nil {
		return nil, err
	}
	rp := types.RelyingParty{
		Did: p.Did, LegalName: p.LegalName, RegistrationNumber: p.RegistrationNumber, Permissions: p.Permissions,
		Status: p.Status, Registrar: registrar, Version: p.Version, UpdatedAt: sdkCtx.BlockTime(), Audiences: p.Audiences,
		Foreign: p.Foreign,
	}
	if err := m.k.RelyingParties.Set(ctx, rp.Did, rp); err != nil {
		return nil, err
	}
	if err := m.k.ChangedRelyingParties.Set(ctx, rp.Did); err != nil {
		return nil, err
	}
	if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventRelyingPartyRegistered{
		Did: rp.Did, Version: rp.Version, Status: rp.Status, Registrar: p.Registrar,
	}); err != nil {
		return nil, err
	}
	return &types.MsgRegisterRelyingPartyResponse{}, nil
}

// checkTypeOwner enforces who may publish a later version of a credential type: the council
// (registrant empty) always; an accreditation body only if it registered the type's version 1.
// A new type (no version 1 yet) may be registered by any body in scope.
func (k *Keeper) checkTypeOwner(ctx context.Context, vct, registrant string) error {
	if registrant == "" {
		return nil
	}
	first, err := k.CredentialTypes.Get(ctx, collections.Join(vct, uint32(1)))
	switch {
	case errors.Is(err, collections.ErrNotFound):
		return nil
	case err != nil:
		return err
	case first.RegisteredBy != registrant:
		owner := first.RegisteredBy
		if owner == "" {
			owner = "the council"
		}
		return errorsmod.Wrapf(types.ErrNotTypeOwner, "%s was registered by %s; %s may not publish a new version", vct, owner, registrant)
	}
	return nil
}
