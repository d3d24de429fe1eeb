package keeper

import (
	"context"

	"cosmossdk.io/collections"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/amanah-id/amanah/x/did/types"
)

// migrateBatch bounds how many entries a migration holds in memory at once.
const migrateBatch = 1024

// Migrate1to2 moves the DID registry from state version 1 (version records carrying their
// did, sequence, version_id and previous_version_id, and a head index under prefix 2) to
// version 2 (records without what their key gives, no head index).
func (k Keeper) Migrate1to2(ctx context.Context) error {
	type pairKey = collections.Pair[string, uint64]
	var rng collections.Ranger[pairKey] // nil: from the first key
	for {
		it, err := k.Versions.Iterate(ctx, rng)
		if err != nil {
			return err
		}
		var kvs []collections.KeyValue[pairKey, types.DidDocumentVersion]
		for ; it.Valid() && len(kvs) < migrateBatch; it.Next() {
			kv, err := it.KeyValue()
			if err != nil {
				it.Close()
				return err
			}
			kvs = append(kvs, kv)
		}
		it.Close()
		for _, kv := range kvs {
			if err := k.Versions.Set(ctx, kv.Key, stored(kv.Value)); err != nil {
				return err
			}
		}
		if len(kvs) < migrateBatch {
			break
		}
		rng = new(collections.Range[pairKey]).StartExclusive(kvs[len(kvs)-1].Key)
	}
	store := k.storeService.OpenKVStore(ctx)
	start, end := types.HeadsKey.Bytes(), storetypes.PrefixEndBytes(types.HeadsKey.Bytes())
	for {
		it, err := store.Iterator(start, end)
		if err != nil {
			return err
		}
		var heads [][]byte
		for ; it.Valid() && len(heads) < migrateBatch; it.Next() {
			heads = append(heads, append([]byte(nil), it.Key()...))
		}
		if err := it.Close(); err != nil {
			return err
		}
		for _, h := range heads {
			if err := store.Delete(h); err != nil {
				return err
			}
		}
		if len(heads) < migrateBatch {
			return nil
		}
	}
}
