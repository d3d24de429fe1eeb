package keeper

import (
	"context"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/amanah-id/amanah/x/did/types"
)

// migrateBatch bounds how many entries a migration holds in memory at once.
const migrateBatch = 1024

// Migrate1to2 moves the DID registry from state version 1 (version records carrying their
// did, sequence, version_id and previous_version_id, and a head index under prefix 2) to
// version 2 (records without what their key gives, no head index).
func (k Keeper) Migrate1to2(ctx context.Context) error {
	if err := k.eachVersion(ctx, func(key versionKey, v types.DidDocumentVersion) error {
		return k.Versions.Set(ctx, key, stored(v))
	}); err != nil {
		return err
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

// Migrate2to3 moves the DID registry from state version 2 to version 3: it builds the time
// index (VersionTimes) of every stored version after the first. Versions are walked in key order (by DID, then
// sequence), so of several versions with one time the last written is indexed, as write does.
func (k Keeper) Migrate2to3(ctx context.Context) error {
	return k.eachVersion(ctx, func(key versionKey, v types.DidDocumentVersion) error {
		if !types.IndexedTime(v.Updated) {
			return errorsmod.Wrapf(types.ErrTimeOutOfRange, "%s version %d at %s", key.K1(), key.K2(), v.Updated.UTC().Format(time.RFC3339))
		}
		if key.K2() == 1 {
			return nil // version 1 is not indexed (write)
		}
		return k.VersionTimes.Set(ctx, collections.Join(key.K1(), v.Updated.UnixNano()), key.K2())
	})
}

// versionKey is the key of a stored version: (DID, sequence).
type versionKey = collections.Pair[string, uint64]

// eachVersion calls fn on every stored version in key order, reading migrateBatch versions at a
// time and closing the iterator before fn runs, so fn may write the store.
func (k Keeper) eachVersion(ctx context.Context, fn func(versionKey, types.DidDocumentVersion) error) error {
	var rng collections.Ranger[versionKey] // nil: from the first key
	for {
		it, err := k.Versions.Iterate(ctx, rng)
		if err != nil {
			return err
		}
		var kvs []collections.KeyValue[versionKey, types.DidDocumentVersion]
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
			if err := fn(kv.Key, kv.Value); err != nil {
				return err
			}
		}
		if len(kvs) < migrateBatch {
			return nil
		}
		rng = new(collections.Range[versionKey]).StartExclusive(kvs[len(kvs)-1].Key)
	}
}
