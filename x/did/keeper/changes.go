package keeper

import (
	"context"
	"slices"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/x/did/types"
)

// noteChange adds did to the current block's change set.
func (k Keeper) noteChange(ctx context.Context, did string) error { return k.Changed.Set(ctx, did) }

// EndBlock writes the block's change journal entry (the DIDs written in it, sorted, each
// once) at the block height when there is one, and deletes the entry ChangeRetentionBlocks
// older. A block without changes has no entry: a verifier proves its absence.
func (k Keeper) EndBlock(ctx context.Context) error {
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	var dids []string
	if err := k.Changed.Walk(ctx, nil, func(did string) (bool, error) {
		dids = append(dids, did)
		return false, nil
	}); err != nil {
		return err
	}
	if len(dids) > 0 {
		slices.Sort(dids) // the set iterates in key order already; the value's order is the contract
		if err := k.Changes.Set(ctx, h, types.DidChanges{Dids: slices.Compact(dids)}); err != nil {
			return err
		}
	}
	if old := h - types.ChangeRetentionBlocks; old > 0 {
		return k.Changes.Remove(ctx, old)
	}
	return nil
}
