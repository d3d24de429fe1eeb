package keeper

import (
	"context"
	"errors"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/x/trust/types"
)

// Recognitions of foreign ledgers (docs/federation.md). Each change is a council decision that
// writes a new version (contiguous from 1, never deleted), so the recognition in force at any
// past time stays answerable; the chain id goes into the block's change journal.

// Recognition returns the versions of the recognition of chainID, oldest first; none if the
// ledger was never recognised.
func (k *Keeper) Recognition(ctx context.Context, chainID string) ([]types.LedgerRecognition, error) {
	it, err := k.LedgerRecognitions.Iterate(ctx, collections.NewPrefixedPairRange[string, uint32](chainID))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	return it.Values()
}

// latestRecognition returns the latest version of chainID's recognition, or ErrRecognitionNotFound.
func (k *Keeper) latestRecognition(ctx context.Context, chainID string) (types.LedgerRecognition, error) {
	it, err := k.LedgerRecognitions.Iterate(ctx, collections.NewPrefixedPairRange[string, uint32](chainID).Descending())
	if err != nil {
		return types.LedgerRecognition{}, err
	}
	defer it.Close()
	if !it.Valid() {
		return types.LedgerRecognition{}, errorsmod.Wrap(types.ErrRecognitionNotFound, chainID)
	}
	return it.Value()
}

// RecognitionAt returns the version of a recognition (versions oldest first) in force at t:
// the last written at or before t; ok is false if none was.
func RecognitionAt(versions []types.LedgerRecognition, t time.Time) (types.LedgerRecognition, bool) {
	var (
		out types.LedgerRecognition
		ok  bool
	)
	for _, v := range versions {
		if v.UpdatedAt.After(t) {
			break
		}
		out, ok = v, true
	}
	return out, ok
}

// writeRecognition stores a new version and journals the chain id.
func (k *Keeper) writeRecognition(ctx context.Context, r types.LedgerRecognition) error {
	if err := k.LedgerRecognitions.Set(ctx, collections.Join(r.ChainId, r.Version), r); err != nil {
		return err
	}
	return k.ChangedLedgers.Set(ctx, r.ChainId)
}

func (m msgServer) RecognizeLedger(ctx context.Context, msg *types.MsgRecognizeLedger) (*types.MsgRecognizeLedgerResponse, error) {
	if err := msg.Validate(); err != nil {
		return nil, err
	}
	if err := m.k.checkAuthority(msg.Signer); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if msg.ChainId == sdkCtx.ChainID() {
		return nil, errorsmod.Wrapf(types.ErrInvalidRecognition, "%s is this ledger", msg.ChainId)
	}
	own, err := m.k.did.Network(ctx)
	if err != nil {
		return nil, err
	}
	if msg.DidNetwork == own {
		return nil, errorsmod.Wrapf(types.ErrInvalidRecognition, "did network %q is this ledger's", msg.DidNetwork)
	}
	cur, err := m.k.latestRecognition(ctx, msg.ChainId)
	switch {
	case errors.Is(err, types.ErrRecognitionNotFound):
		if msg.Version != 1 {
			return nil, errorsmod.Wrapf(types.ErrRecognitionNotFound, "%s (version %d is an update)", msg.ChainId, msg.Version)
		}
	case err != nil:
		return nil, err
	case msg.Version == 1:
		return nil, errorsmod.Wrap(types.ErrRecognitionExists, msg.ChainId)
	case msg.Version != cur.Version+1:
		return nil, errorsmod.Wrapf(types.ErrStaleRecognition, "%s is at version %d, got %d", msg.ChainId, cur.Version, msg.Version)
	case msg.Version > types.MaxRecognitionVersions:
		return nil, errorsmod.Wrapf(types.ErrInvalidRecognition, "%s: more than %d versions", msg.ChainId, types.MaxRecognitionVersions)
	case cur.DidNetwork != msg.DidNetwork:
		return nil, errorsmod.Wrapf(types.ErrInvalidRecognition, "%s is the ledger of did network %q, not %q", msg.ChainId, cur.DidNetwork, msg.DidNetwork)
	}
	if err := m.k.checkNetworkFree(ctx, msg.ChainId, msg.DidNetwork); err != nil {
		return nil, err
	}
	for _, t := range msg.Types {
		if t.LocalVct == "" {
			continue // accepted as is: the verifier checks the claims against the foreign schema
		}
		ct, err := m.k.LatestCredentialType(ctx, t.LocalVct)
		if err != nil {
			return nil, errorsmod.Wrapf(err, "local_vct of %s", t.ForeignVct)
		}
		claims, err := types.SchemaClaims(ct.Schema)
		if err != nil {
			return nil, err
		}
		if err := types.ClaimsIn(claims, t.Claims); err != nil {
			return nil, errorsmod.Wrapf(err, "claims of %s (as %s version %d)", t.ForeignVct, ct.Vct, ct.Version)
		}
	}
	r := types.LedgerRecognition{
		ChainId: msg.ChainId, Version: msg.Version, DidNetwork: msg.DidNetwork, TrustRoot: msg.TrustRoot,
		Types: sortedTypes(msg.Types), Status: types.LEDGER_RECOGNITION_STATUS_ACTIVE, Reason: msg.Reason,
		UpdatedAt: sdkCtx.BlockTime(), UpdatedHeight: sdkCtx.BlockHeight(),
	}
	if err := m.k.writeRecognition(ctx, r); err != nil {
		return nil, err
	}
	return &types.MsgRecognizeLedgerResponse{}, nil
}

// checkNetworkFree fails if another chain id's recognition (not withdrawn) names network.
func (k *Keeper) checkNetworkFree(ctx context.Context, chainID, network string) error {
	latest := map[string]types.LedgerRecognition{}
	if err := k.LedgerRecognitions.Walk(ctx, nil, func(key collections.Pair[string, uint32], r types.LedgerRecognition) (bool, error) {
		latest[key.K1()] = r // versions come in ascending order: the last one stays
		return false, nil
	}); err != nil {
		return err
	}
	for id, r := range latest {
		if id != chainID && r.DidNetwork == network && r.Status != types.LEDGER_RECOGNITION_STATUS_WITHDRAWN {
			return errorsmod.Wrapf(types.ErrNetworkRecognised, "did network %q is recognised as %s", network, id)
		}
	}
	return nil
}

func sortedTypes(ts []types.RecognisedType) []types.RecognisedType {
	out := append([]types.RecognisedType(nil), ts...)
	for i := 1; i < len(out); i++ { // insertion sort: at most MaxVCTs entries
		for j := i; j > 0 && out[j].ForeignVct < out[j-1].ForeignVct; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func (m msgServer) SetLedgerRecognitionStatus(ctx context.Context, msg *types.MsgSetLedgerRecognitionStatus) (*types.MsgSetLedgerRecognitionStatusResponse, error) {
	if err := msg.Validate(); err != nil {
		return nil, err
	}
	if err := m.k.checkAuthority(msg.Signer); err != nil {
		return nil, err
	}
	cur, err := m.k.latestRecognition(ctx, msg.ChainId)
	if err != nil {
		return nil, err
	}
	if msg.Version != cur.Version+1 {
		return nil, errorsmod.Wrapf(types.ErrStaleRecognition, "%s is at version %d, got %d", msg.ChainId, cur.Version, msg.Version)
	}
	if msg.Version > types.MaxRecognitionVersions {
		return nil, errorsmod.Wrapf(types.ErrInvalidRecognition, "%s: more than %d versions", msg.ChainId, types.MaxRecognitionVersions)
	}
	ok := false
	switch cur.Status {
	case types.LEDGER_RECOGNITION_STATUS_ACTIVE:
		ok = msg.Status == types.LEDGER_RECOGNITION_STATUS_SUSPENDED || msg.Status == types.LEDGER_RECOGNITION_STATUS_WITHDRAWN
	case types.LEDGER_RECOGNITION_STATUS_SUSPENDED:
		ok = msg.Status == types.LEDGER_RECOGNITION_STATUS_ACTIVE || msg.Status == types.LEDGER_RECOGNITION_STATUS_WITHDRAWN
	}
	if !ok {
		return nil, errorsmod.Wrapf(types.ErrInvalidTransition, "%s: %v -> %v (a withdrawn ledger is recognised again by MsgRecognizeLedger)",
			msg.ChainId, cur.Status, msg.Status)
	}
	if msg.Status == types.LEDGER_RECOGNITION_STATUS_ACTIVE {
		if err := m.k.checkNetworkFree(ctx, msg.ChainId, cur.DidNetwork); err != nil {
			return nil, err
		}
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	next := cur
	next.Version, next.Status, next.Reason = msg.Version, msg.Status, msg.Reason
	next.UpdatedAt, next.UpdatedHeight = sdkCtx.BlockTime(), sdkCtx.BlockHeight()
	if err := m.k.writeRecognition(ctx, next); err != nil {
		return nil, err
	}
	return &types.MsgSetLedgerRecognitionStatusResponse{}, nil
}

// checkForeign checks a relying party's foreign opt-ins against the recognitions: each names a
// recognised (not withdrawn) ledger, a type it recognises, and claims it allows.
func (k *Keeper) checkForeign(ctx context.Context, fs []types.ForeignAcceptance) error {
	for _, f := range fs {
		r, err := k.latestRecognition(ctx, f.ChainId)
		if errors.Is(err, types.ErrRecognitionNotFound) {
			return errorsmod.Wrapf(types.ErrForeignTypeNotAccepted, "%s is not a recognised ledger", f.ChainId)
		}
		if err != nil {
			return err
		}
		if r.Status == types.LEDGER_RECOGNITION_STATUS_WITHDRAWN {
			return errorsmod.Wrapf(types.ErrForeignTypeNotAccepted, "the recognition of %s is withdrawn", f.ChainId)
		}
		t, ok := r.Type(f.Vct)
		if !ok {
			return errorsmod.Wrapf(types.ErrForeignTypeNotAccepted, "%s: %s is not a recognised type", f.ChainId, f.Vct)
		}
		if err := types.ClaimsIn(t.Claims, f.Claims); err != nil {
			return errorsmod.Wrapf(types.ErrForeignTypeNotAccepted, "%s %s: %v", f.ChainId, f.Vct, err)
		}
	}
	return nil
}

// LedgerRecognition implements the query.
func (q queryServer) LedgerRecognition(ctx context.Context, req *types.QueryLedgerRecognitionRequest) (*types.QueryLedgerRecognitionResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRecognition, "empty request")
	}
	if err := types.ValidateChainID(req.ChainId); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRecognition, err.Error())
	}
	if req.Version > 0 {
		r, err := q.k.LedgerRecognitions.Get(ctx, collections.Join(req.ChainId, req.Version))
		if errors.Is(err, collections.ErrNotFound) {
			return nil, errorsmod.Wrapf(types.ErrRecognitionNotFound, "%s version %d", req.ChainId, req.Version)
		}
		if err != nil {
			return nil, err
		}
		return &types.QueryLedgerRecognitionResponse{Recognition: r}, nil
	}
	versions, err := q.k.Recognition(ctx, req.ChainId)
	if err != nil {
		return nil, err
	}
	at := sdk.UnwrapSDKContext(ctx).BlockTime()
	if req.Time != nil {
		at = *req.Time
	}
	r, ok := RecognitionAt(versions, at)
	if !ok {
		return nil, errorsmod.Wrapf(types.ErrRecognitionNotFound, "%s at %s", req.ChainId, at.UTC().Format(time.RFC3339))
	}
	return &types.QueryLedgerRecognitionResponse{Recognition: r}, nil
}
