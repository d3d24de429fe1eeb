package keeper

import (
	"context"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/amanah-id/amanah/x/trust/types"
)

// migrateBatch bounds how many keys a migration holds in memory at once.
const migrateBatch = 1024

// Migrate1to2 moves the trust registry from state version 1 (a multi-index (holder, id) under
// prefix 2) to version 2 (the Held index: holder -> sorted ids, one value per holder, under
// prefix 5). It builds Held from every accreditation and deletes the old index keys.
func (k *Keeper) Migrate1to2(ctx context.Context) error {
	if err := k.rebuildHeld(ctx); err != nil {
		return err
	}
	if err := k.StoreVersion.Set(ctx, StateVersion); err != nil {
		return err
	}
	store := k.storeService.OpenKVStore(ctx)
	start, end := types.AccreditationsByHolderKey.Bytes(), storetypes.PrefixEndBytes(types.AccreditationsByHolderKey.Bytes())
	for {
		it, err := store.Iterator(start, end)
		if err != nil {
			return err
		}
		var old [][]byte
		for ; it.Valid() && len(old) < migrateBatch; it.Next() {
			old = append(old, append([]byte(nil), it.Key()...))
		}
		if err := it.Close(); err != nil {
			return err
		}
		for _, key := range old {
			if err := store.Delete(key); err != nil {
				return err
			}
		}
		if len(old) < migrateBatch {
			return nil
		}
	}
}

// StateVersion is the trust registry's state version (the module's consensus version).
const StateVersion = 2
