package keeper

import (
	"context"
	"errors"
	"slices"

	"cosmossdk.io/collections"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/x/trust/types"
)

// addHeld adds accreditation id to the ids held by did (kept sorted, each once).
func (k *Keeper) addHeld(ctx context.Context, did, id string) error {
	cur, err := k.Held.Get(ctx, did)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	i, found := slices.BinarySearch(cur.Ids, id)
	if found {
		return nil
	}
	cur.Ids = slices.Insert(cur.Ids, i, id)
	return k.Held.Set(ctx, did, cur)
}

// EndBlock writes the block's change journal entry (each list sorted, each entry once) at the
// block height when the block changed anything, and deletes the entry ChangeRetentionBlocks
// older. A block without changes has no entry: a verifier proves its absence.
func (k *Keeper) EndBlock(ctx context.Context) error {
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	var (
		ch  types.TrustChanges
		err error
	)
	if ch.Accredited, err = members(ctx, k.ChangedAccredited); err != nil {
		return err
	}
	if ch.RelyingParties, err = members(ctx, k.ChangedRelyingParties); err != nil {
		return err
	}
	if ch.Vcts, err = members(ctx, k.ChangedVCTs); err != nil {
		return err
	}
	if ch.Ledgers, err = members(ctx, k.ChangedLedgers); err != nil {
		return err
	}
	if len(ch.Accredited)+len(ch.RelyingParties)+len(ch.Vcts)+len(ch.Ledgers) > 0 {
		if err := k.Changes.Set(ctx, h, ch); err != nil {
			return err
		}
	}
	if old := h - types.ChangeRetentionBlocks; old > 0 {
		return k.Changes.Remove(ctx, old)
	}
	return nil
}

// members returns the members of a transient set, sorted, each once.
func members(ctx context.Context, set collections.KeySet[string]) ([]string, error) {
	var out []string
	err := set.Walk(ctx, nil, func(s string) (bool, error) {
		out = append(out, s)
		return false, nil
	})
	slices.Sort(out) // the set iterates in key order already; the value's order is the contract
	return slices.Compact(out), err
}

// rebuildHeld writes the Held index from every stored accreditation (genesis import, migration).
func (k *Keeper) rebuildHeld(ctx context.Context) error {
	held := make(map[string][]string)
	if err := k.Accreditations.Walk(ctx, nil, func(id string, a types.Accreditation) (bool, error) {
		held[a.Accredited] = append(held[a.Accredited], id) // ids come in key order
		return false, nil
	}); err != nil {
		return err
	}
	dids := make([]string, 0, len(held))
	for did := range held {
		dids = append(dids, did)
	}
	slices.Sort(dids)
	for _, did := range dids {
		ids := held[did]
		slices.Sort(ids)
		if err := k.Held.Set(ctx, did, types.AccreditationIds{Ids: ids}); err != nil {
			return err
		}
	}
	return nil
}
