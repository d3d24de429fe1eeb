package keeper

import (
	"context"

	"cosmossdk.io/collections"

	"github.com/amanah-id/amanah/x/trust/types"
)

// InitGenesis validates and writes the trust registry's genesis state.
func (k *Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.StoreVersion.Set(ctx, StateVersion); err != nil {
		return err
	}
	for _, ct := range gs.CredentialTypes {
		if err := k.CredentialTypes.Set(ctx, collections.Join(ct.Vct, ct.Version), ct); err != nil {
			return err
		}
	}
	for _, a := range gs.Accreditations {
		if err := k.Accreditations.Set(ctx, a.Id, a); err != nil {
			return err
		}
	}
	if err := k.rebuildHeld(ctx); err != nil {
		return err
	}
	for _, rp := range gs.RelyingParties {
		if err := k.RelyingParties.Set(ctx, rp.Did, rp); err != nil {
			return err
		}
	}
	for _, r := range gs.LedgerRecognitions {
		if err := k.LedgerRecognitions.Set(ctx, collections.Join(r.ChainId, r.Version), r); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis reads the whole registry, history included. The Held index is rebuilt by
// import; the change journal is not exported (a per-block cache for followers: an imported
// chain starts a new one).
func (k *Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := types.DefaultGenesis()
	if err := k.CredentialTypes.Walk(ctx, nil, func(_ collections.Pair[string, uint32], ct types.CredentialType) (bool, error) {
		gs.CredentialTypes = append(gs.CredentialTypes, ct)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Accreditations.Walk(ctx, nil, func(_ string, a types.Accreditation) (bool, error) {
		gs.Accreditations = append(gs.Accreditations, a)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.RelyingParties.Walk(ctx, nil, func(_ string, rp types.RelyingParty) (bool, error) {
		gs.RelyingParties = append(gs.RelyingParties, rp)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.LedgerRecognitions.Walk(ctx, nil, func(_ collections.Pair[string, uint32], r types.LedgerRecognition) (bool, error) {
		gs.LedgerRecognitions = append(gs.LedgerRecognitions, r)
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, nil
}
