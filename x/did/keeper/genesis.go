package keeper

import (
	"context"

	"cosmossdk.io/collections"

	"github.com/amanah-id/amanah/x/did/types"
)

// InitGenesis writes the params and every version.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, v := range gs.Versions {
		if err := k.write(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis reads the params and every version, grouped by DID in sequence order. The
// change journal (Changes) is not exported: it is a cache for followers of recent blocks, and
// an imported chain starts a new one.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: p}
	err = k.Versions.Walk(ctx, nil, func(key collections.Pair[string, uint64], v types.DidDocumentVersion) (bool, error) {
		gs.Versions = append(gs.Versions, withKey(key, v))
		return false, nil
	})
	return gs, err
}
