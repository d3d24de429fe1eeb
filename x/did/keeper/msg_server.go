package keeper

import (
	"context"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/x/did/types"
)

type msgServer struct{ k *Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the DID registry's Msg service.
func NewMsgServerImpl(k *Keeper) types.MsgServer { return msgServer{k: k} }

// blockTime is the block time in UTC, whole seconds (DID Core metadata precision).
func blockTime(ctx sdk.Context) time.Time { return ctx.BlockTime().UTC().Truncate(time.Second) }

// CreateDid registers a new DID after checking its document and signatures.
func (s msgServer) CreateDid(ctx context.Context, msg *types.MsgCreateDid) (*types.MsgCreateDidResponse, error) {
	if err := s.k.checkSigner(msg.Signer); err != nil {
		return nil, err
	}
	network, err := s.k.Network(ctx)
	if err != nil {
		return nil, err
	}
	doc, canon, err := types.ParseDocument(msg.Payload.Document)
	if err != nil {
		return nil, err
	}
	if err := types.CheckNewDocumentID(doc, network); err != nil {
		return nil, err
	}
	if has, err := s.k.exists(ctx, doc.ID); err != nil {
		return nil, err
	} else if has {
		return nil, errorsmod.Wrap(types.ErrDidExists, doc.ID)
	}
	signBytes, err := s.signBytes(ctx, types.TypeURLMsgCreateDid, &msg.Payload)
	if err != nil {
		return nil, err
	}
	a := newAuthorizer()
	a.require(doc.ID, "capabilityInvocation key the id derives from", idKeyMethods(doc))
	if err := s.k.requireControllers(ctx, a, types.Controllers(doc), doc, nil); err != nil {
		return nil, err
	}
	if err := a.check(ctx, signBytes, msg.Signatures); err != nil {
		return nil, err
	}

	sdkCtx := sdk.UnwrapSDKContext(ctx)
	now := blockTime(sdkCtx)
	v := types.DidDocumentVersion{
		Did: doc.ID, Sequence: 1, VersionId: types.VersionID(1), DocumentJson: canon,
		Created: now, Updated: now, Height: sdkCtx.BlockHeight(),
	}
	if err := s.k.write(ctx, v); err != nil {
		return nil, err
	}
	if err := s.k.noteChange(ctx, v.Did); err != nil {
		return nil, err
	}
	if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventDidCreated{Did: v.Did, VersionId: v.VersionId, Height: v.Height}); err != nil {
		return nil, err
	}
	return &types.MsgCreateDidResponse{Did: v.Did, VersionId: v.VersionId}, nil
}

// UpdateDid writes a new version of a DID's document.
func (s msgServer) UpdateDid(ctx context.Context, msg *types.MsgUpdateDid) (*types.MsgUpdateDidResponse, error) {
	p := &msg.Payload
	if err := s.k.checkSigner(msg.Signer); err != nil {
		return nil, err
	}
	cur, curDoc, err := s.k.current(ctx, p.Did, p.PreviousVersionId)
	if err != nil {
		return nil, err
	}
	doc, canon, err := types.ParseDocument(p.Document)
	if err != nil {
		return nil, err
	}
	if doc.ID != p.Did {
		return nil, errorsmod.Wrapf(types.ErrDocumentIDMismatch, "document id %q, updating %q", truncate(doc.ID), p.Did)
	}
	if err := checkSelfControl(doc); err != nil {
		return nil, err
	}
	retired, err := types.CheckRetiredKeys(curDoc, doc, cur.Created, blockTime(sdk.UnwrapSDKContext(ctx)), p.RetiredKeys)
	if err != nil {
		return nil, err
	}
	signBytes, err := s.signBytes(ctx, types.TypeURLMsgUpdateDid, p)
	if err != nil {
		return nil, err
	}
	// Every current controller (keys from the current document or state) and every controller
	// the update adds (keys from the new document or state).
	a := newAuthorizer()
	curCtl := types.Controllers(curDoc)
	if err := s.k.requireControllers(ctx, a, curCtl, curDoc, nil); err != nil {
		return nil, err
	}
	skip := make(map[string]bool, len(curCtl))
	for _, c := range curCtl {
		skip[c] = true
	}
	if err := s.k.requireControllers(ctx, a, types.Controllers(doc), doc, skip); err != nil {
		return nil, err
	}
	if err := a.check(ctx, signBytes, msg.Signatures); err != nil {
		return nil, err
	}

	v, err := s.k.next(ctx, cur, canon, false, retired)
	if err != nil {
		return nil, err
	}
	if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventDidUpdated{
		Did: v.Did, VersionId: v.VersionId, PreviousVersionId: v.PreviousVersionId, Height: v.Height,
	}); err != nil {
		return nil, err
	}
	return &types.MsgUpdateDidResponse{VersionId: v.VersionId}, nil
}

// DeactivateDid deactivates a DID for good.
func (s msgServer) DeactivateDid(ctx context.Context, msg *types.MsgDeactivateDid) (*types.MsgDeactivateDidResponse, error) {
	p := &msg.Payload
	if err := s.k.checkSigner(msg.Signer); err != nil {
		return nil, err
	}
	cur, curDoc, err := s.k.current(ctx, p.Did, p.PreviousVersionId)
	if err != nil {
		return nil, err
	}
	signBytes, err := s.signBytes(ctx, types.TypeURLMsgDeactivateDid, p)
	if err != nil {
		return nil, err
	}
	a := newAuthorizer()
	if err := s.k.requireControllers(ctx, a, types.Controllers(curDoc), curDoc, nil); err != nil {
		return nil, err
	}
	if err := a.check(ctx, signBytes, msg.Signatures); err != nil {
		return nil, err
	}
	v, err := s.k.next(ctx, cur, cur.DocumentJson, true, nil)
	if err != nil {
		return nil, err
	}
	if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventDidDeactivated{
		Did: v.Did, VersionId: v.VersionId, Height: v.Height,
	}); err != nil {
		return nil, err
	}
	return &types.MsgDeactivateDidResponse{VersionId: v.VersionId}, nil
}

// signBytes returns the sign bytes of a payload on this chain.
func (s msgServer) signBytes(ctx context.Context, typeURL string, payload interface {
	Reset()
	String() string
	ProtoMessage()
},
) ([]byte, error) {
	b, err := types.SignBytes(sdk.UnwrapSDKContext(ctx).ChainID(), typeURL, payload)
	if err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, err.Error())
	}
	return b, nil
}

// checkSigner checks the fee payer's address.
func (k Keeper) checkSigner(signer string) error {
	if _, err := k.addressCodec.StringToBytes(signer); err != nil {
		return errorsmod.Wrapf(types.ErrInvalidAddress, "signer %q: %v", truncate(signer), err)
	}
	return nil
}

// current checks did and prevVersionID for an update or deactivation and returns the latest
// version and document: the DID must be valid on this network, exist, be active, and
// prevVersionID must be its latest version.
func (k Keeper) current(ctx context.Context, did, prevVersionID string) (types.DidDocumentVersion, *didcore.Document, error) {
	network, err := k.Network(ctx)
	if err != nil {
		return types.DidDocumentVersion{}, nil, err
	}
	if err := types.CheckDID(did, network); err != nil {
		return types.DidDocumentVersion{}, nil, err
	}
	if len(prevVersionID) > types.MaxVersionIDLength {
		return types.DidDocumentVersion{}, nil, errorsmod.Wrap(types.ErrPayloadTooLarge, "previous version id")
	}
	h, v, doc, err := k.latestActive(ctx, did)
	if err != nil {
		return v, nil, err
	}
	if prevVersionID != types.VersionID(h.LatestSequence) {
		return v, nil, errorsmod.Wrapf(types.ErrStaleVersion, "previous version id %q, latest is %q", truncate(prevVersionID), types.VersionID(h.LatestSequence))
	}
	return v, doc, nil
}

// next writes the version after cur with document canon and the keys it retires.
func (k Keeper) next(ctx context.Context, cur types.DidDocumentVersion, canon []byte, deactivate bool, retired []types.RetiredKey) (types.DidDocumentVersion, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	now := blockTime(sdkCtx)
	if now.Before(cur.Updated) {
		now = cur.Updated
	}
	seq := cur.Sequence + 1
	v := types.DidDocumentVersion{
		Did: cur.Did, Sequence: seq, VersionId: types.VersionID(seq), DocumentJson: canon,
		Created: cur.Created, Updated: now, Deactivated: deactivate,
		PreviousVersionId: cur.VersionId, Height: sdkCtx.BlockHeight(), RetiredKeys: retired,
	}
	if err := k.write(ctx, v); err != nil {
		return v, err
	}
	return v, k.noteChange(ctx, v.Did)
}

// write stores v (without the fields its key gives; the newest version is the DID's head)
// and indexes a later version by its time (a later version of the same time replaces the
// entry); version 1 is not indexed.
func (k Keeper) write(ctx context.Context, v types.DidDocumentVersion) error {
	if !types.IndexedTime(v.Updated) {
		return errorsmod.Wrapf(types.ErrTimeOutOfRange, "%s version %d at %s", v.Did, v.Sequence, v.Updated.UTC().Format(time.RFC3339))
	}
	if err := k.Versions.Set(ctx, collections.Join(v.Did, v.Sequence), stored(v)); err != nil {
		return err
	}
	if v.Sequence == 1 {
		return nil // found without the index (versionAt): most DIDs never change, so they cost no entry
	}
	if !indexVersionTimes {
		return nil // the previous release (release_prev.go)
	}
	return k.VersionTimes.Set(ctx, collections.Join(v.Did, v.Updated.UnixNano()), v.Sequence)
}

// idKeyMethods returns the capabilityInvocation methods whose key the document's id derives from.
func idKeyMethods(doc *didcore.Document) []didcore.VerificationMethod {
	_, id, err := didcore.ParseAmanahDID(doc.ID)
	if err != nil {
		return nil
	}
	var out []didcore.VerificationMethod
	for _, vm := range doc.MethodsFor(didcore.CapabilityInvocation) {
		if k, err := vm.PublicKey(); err == nil && didcore.AmanahID(k) == id {
			out = append(out, vm)
		}
	}
	return out
}

// checkSelfControl refuses a self-controlled document without a capabilityInvocation method
// (nobody could ever update or deactivate it).
func checkSelfControl(doc *didcore.Document) error {
	for _, c := range types.Controllers(doc) {
		if c == doc.ID && len(doc.MethodsFor(didcore.CapabilityInvocation)) == 0 {
			return errorsmod.Wrap(types.ErrInvalidDocument, "a self-controlled document needs a capabilityInvocation method")
		}
	}
	return nil
}
