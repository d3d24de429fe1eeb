package keeper

import (
	"context"
	"errors"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/amanah-id/amanah/didcore"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	"github.com/amanah-id/amanah/x/status/types"
)

// AuthRelationship is the verification relationship whose keys authorise status changes:
// assertionMethod, the keys that sign the issuer's credentials (see docs/status-lists.md).
const AuthRelationship = didcore.AssertionMethod

type msgServer struct{ k *Keeper }

// NewMsgServerImpl returns the status Msg service.
func NewMsgServerImpl(k *Keeper) types.MsgServer { return msgServer{k: k} }

var _ types.MsgServer = msgServer{}

func (m msgServer) CreateStatusList(ctx context.Context, msg *types.MsgCreateStatusList) (*types.MsgCreateStatusListResponse, error) {
	if err := m.k.checkEnvelope(msg.Signer, msg.Payload == nil, len(msg.Signatures)); err != nil {
		return nil, err
	}
	p := msg.Payload
	if err := types.ValidateOwner(p.Owner); err != nil {
		return nil, err
	}
	if err := types.ValidateParams(p.Purpose, p.Size_); err != nil {
		return nil, err
	}
	if err := m.k.authorize(ctx, p.Owner, p.Sequence, msg, p, msg.Signatures); err != nil {
		return nil, err
	}
	l, err := m.k.createList(ctx, p.Owner, p.Purpose, p.Size_)
	if err != nil {
		return nil, err
	}
	if err := m.k.noteChange(ctx, l.Id, nil); err != nil {
		return nil, err
	}
	if err := m.k.Sequences.Set(ctx, p.Owner, p.Sequence+1); err != nil {
		return nil, err
	}
	err = sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventStatusListCreated{
		ListId: l.Id, Owner: l.Owner, Purpose: l.Purpose, Bits: l.Bits, Size_: l.Size_, Height: l.CreatedHeight,
	})
	if err != nil {
		return nil, err
	}
	return &types.MsgCreateStatusListResponse{ListId: l.Id}, nil
}

func (m msgServer) UpdateStatusList(ctx context.Context, msg *types.MsgUpdateStatusList) (*types.MsgUpdateStatusListResponse, error) {
	if err := m.k.checkEnvelope(msg.Signer, msg.Payload == nil, len(msg.Signatures)); err != nil {
		return nil, err
	}
	p := msg.Payload
	d, err := p.Delta()
	if err != nil {
		return nil, err
	}
	l, err := m.k.GetList(ctx, p.ListId)
	if err != nil {
		return nil, err
	}
	if err := d.Validate(uint8(l.Bits), l.Size_); err != nil {
		return nil, types.ListError(err)
	}
	if err := m.k.authorize(ctx, l.Owner, p.Sequence, msg, p, msg.Signatures); err != nil {
		return nil, err
	}
	// Everything is checked: from here on only store errors can fail the update, and the
	// transaction's cache store discards partial writes then.
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	pages, err := m.k.applyDelta(ctx, l, d)
	if err != nil {
		return nil, err
	}
	if err := m.k.noteChange(ctx, l.Id, pages); err != nil {
		return nil, err
	}
	if l.ChangesPrunedHeight, err = m.k.recordChange(ctx, l, h, d); err != nil {
		return nil, err
	}
	l.UpdatedHeight = h
	l.Updates++
	if err := m.k.Lists.Set(ctx, l.Id, l); err != nil {
		return nil, err
	}
	if err := m.k.Sequences.Set(ctx, l.Owner, p.Sequence+1); err != nil {
		return nil, err
	}
	err = sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventStatusListUpdated{
		ListId: l.Id, Owner: l.Owner, Height: h, Indices: p.Indices, Values: p.Values, Pages: pages,
	})
	if err != nil {
		return nil, err
	}
	return &types.MsgUpdateStatusListResponse{Height: h}, nil
}

// checkEnvelope checks the fee payer's address and that a payload and signatures are present.
func (k *Keeper) checkEnvelope(signer string, noPayload bool, nsigs int) error {
	if bz, err := k.addressCodec.StringToBytes(signer); err != nil || len(bz) == 0 {
		return errorsmod.Wrapf(types.ErrInvalidSigner, "%q", signer)
	}
	if noPayload {
		return types.ErrMissingPayload
	}
	if nsigs == 0 {
		return types.ErrMissingSignatures
	}
	return nil
}

// authorize checks that owner is active, that seq is its next sequence, and that sigs are
// valid assertionMethod signatures of owner over the x/did sign bytes of payload.
func (k *Keeper) authorize(ctx context.Context, owner string, seq uint64, msg sdk.Msg, payload proto.Message, sigs []didtypes.DidSignature) error {
	active, err := k.dids.IsActive(ctx, owner)
	if err != nil {
		return err
	}
	if !active { // x/did tells not found from deactivated before it looks at signatures
		return didError(owner, k.dids.VerifySignatures(ctx, owner, AuthRelationship, nil, sigs), types.ErrOwnerDeactivated)
	}
	next, err := k.NextSequence(ctx, owner)
	if err != nil {
		return err
	}
	if seq != next {
		return errorsmod.Wrapf(types.ErrBadSequence, "%s: got %d, want %d", owner, seq, next)
	}
	signBytes, err := didtypes.SignBytes(sdk.UnwrapSDKContext(ctx).ChainID(), sdk.MsgTypeURL(msg), payload)
	if err != nil {
		return errorsmod.Wrap(types.ErrUnauthorized, err.Error())
	}
	return didError(owner, k.dids.VerifySignatures(ctx, owner, AuthRelationship, signBytes, sigs), nil)
}

// didError maps an x/did authorisation error to the module's errors (fallback if err is nil).
func didError(owner string, err, fallback error) error {
	switch {
	case err == nil && fallback == nil:
		return nil
	case err == nil:
		return errorsmod.Wrap(fallback, owner)
	case errors.Is(err, didtypes.ErrDidNotFound):
		return errorsmod.Wrapf(types.ErrOwnerNotFound, "%s: %v", owner, err)
	case errors.Is(err, didtypes.ErrDidDeactivated):
		return errorsmod.Wrapf(types.ErrOwnerDeactivated, "%s: %v", owner, err)
	}
	return errorsmod.Wrapf(types.ErrUnauthorized, "%s: %v", owner, err)
}
