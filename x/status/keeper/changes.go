package keeper

import (
	"context"

	"cosmossdk.io/collections"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/x/status/types"
)

// noteChange adds list id and the pages written to the current block's change set.
func (k *Keeper) noteChange(ctx context.Context, id uint64, pages []uint32) error {
	if err := k.ChangedLists.Set(ctx, id); err != nil {
		return err
	}
	for _, p := range pages {
		if err := k.ChangedPages.Set(ctx, collections.Join(id, p)); err != nil {
			return err
		}
	}
	return nil
}

// EndBlock writes the block's change journal entry (lists by ascending id, each with its
// written pages ascending) at the block height when the block created or updated a list, and
// deletes the entry ChangeRetentionBlocks older. A block without changes has no entry: a
// verifier proves its absence.
func (k *Keeper) EndBlock(ctx context.Context) error {
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	var ch types.StatusChanges
	// Both sets iterate in ascending numeric order (big-endian keys), each member once.
	err := k.ChangedLists.Walk(ctx, nil, func(id uint64) (bool, error) {
		lp := types.ListPages{ListId: id}
		err := k.ChangedPages.Walk(ctx, collections.NewPrefixedPairRange[uint64, uint32](id),
			func(key collections.Pair[uint64, uint32]) (bool, error) {
				lp.Pages = append(lp.Pages, key.K2())
				return false, nil
			})
		ch.Lists = append(ch.Lists, &lp)
		return false, err
	})
	if err != nil {
		return err
	}
	if len(ch.Lists) > 0 {
		if err := k.BlockChanges.Set(ctx, h, ch); err != nil {
			return err
		}
	}
	if old := h - types.ChangeRetentionBlocks; old > 0 {
		return k.BlockChanges.Remove(ctx, old)
	}
	return nil
}
