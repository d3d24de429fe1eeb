package keeper

import (
	"context"

	"github.com/amanah-id/amanah/x/council/types"
)

// InitGenesis writes the council's genesis state. It runs before genutil, so the gentxs of
// admitted agencies pass the admission checks.
func (k *Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, m := range gs.Members {
		acc, err := k.account("member", m.Address)
		if err != nil {
			return err
		}
		if err := k.Members.Set(ctx, acc, m); err != nil {
			return err
		}
	}
	for _, w := range gs.Writers {
		acc, err := k.account("writer", w.Address)
		if err != nil {
			return err
		}
		if err := k.Writers.Set(ctx, acc, w); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis reads the council's state.
func (k *Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: p}
	if err := k.Members.Walk(ctx, nil, func(_ []byte, m types.Member) (bool, error) {
		gs.Members = append(gs.Members, m)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Writers.Walk(ctx, nil, func(_ []byte, w types.Writer) (bool, error) {
		gs.Writers = append(gs.Writers, w)
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, nil
}
