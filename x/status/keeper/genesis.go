package keeper

import (
	"context"

	"cosmossdk.io/collections"

	"github.com/amanah-id/amanah/x/status/types"
)

// InitGenesis validates and writes the genesis state.
func (k *Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.NextListID.Set(ctx, gs.NextListId); err != nil {
		return err
	}
	for _, l := range gs.Lists {
		if err := k.Lists.Set(ctx, l.Id, l); err != nil {
			return err
		}
		if err := k.ListsByOwner.Set(ctx, collections.Join(l.Owner, l.Id)); err != nil {
			return err
		}
	}
	for _, p := range gs.Pages {
		if err := k.Pages.Set(ctx, collections.Join(p.ListId, p.Page), p.Data); err != nil {
			return err
		}
	}
	for _, c := range gs.Changes {
		if err := k.Changes.Set(ctx, collections.Join(c.ListId, c.Record.Height), c.Record); err != nil {
			return err
		}
	}
	for _, s := range gs.Sequences {
		if err := k.Sequences.Set(ctx, s.Owner, s.Next); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis reads the whole state, except the per-block change journal (BlockChanges): it
// is a cache for followers of recent blocks, and an imported chain starts a new one.
func (k *Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	next, err := k.NextListID.Peek(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{NextListId: max(next, 1)}
	err = k.Lists.Walk(ctx, nil, func(_ uint64, l types.StatusList) (bool, error) {
		gs.Lists = append(gs.Lists, l)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Pages.Walk(ctx, nil, func(key collections.Pair[uint64, uint32], data []byte) (bool, error) {
		gs.Pages = append(gs.Pages, types.Page{ListId: key.K1(), Page: key.K2(), Data: data})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Changes.Walk(ctx, nil, func(key collections.Pair[uint64, int64], rec types.ChangeRecord) (bool, error) {
		gs.Changes = append(gs.Changes, types.GenesisChange{ListId: key.K1(), Record: rec})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Sequences.Walk(ctx, nil, func(owner string, next uint64) (bool, error) {
		gs.Sequences = append(gs.Sequences, types.OwnerSequence{Owner: owner, Next: next})
		return false, nil
	})
	return gs, err
}
