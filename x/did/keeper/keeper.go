// Package keeper holds the DID registry's state (every version of every did:amanah document)
// and the DID-key authorisation that x/did, x/trust and x/status share.
package keeper

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/x/did/types"
)

// Keeper holds the DID registry's state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	storeService corestore.KVStoreService

	Schema collections.Schema
	Params collections.Item[types.Params]
	// Versions maps (did, sequence) to the stored version. A stored value omits what its key
	// gives (did, sequence, version_id, previous_version_id): read versions through the
	// keeper, which fills them in (withKey). The newest version of a DID is its head (latest
	// sequence, deactivation): there is no separate head index.
	Versions collections.Map[collections.Pair[string, uint64], types.DidDocumentVersion]
	// VersionTimes indexes the versions after the first by time: (did, updated in Unix
	// nanoseconds) -> the sequence of the last version written at that time (versions of one
	// block share its time; the last one overwrites the entry). The version in force at t is
	// the value of the last key at or before (did, t): one descending range step, not a scan of
	// the history; with no such key, version 1 if it was written at or before t. Version 1 is
	// not indexed, so a DID that never changes costs no entry.
	VersionTimes collections.Map[collections.Pair[string, int64], uint64]
	// Changes is the per-block change journal: height -> the DIDs written in that block
	// (written in EndBlock, pruned after ChangeRetentionBlocks, not exported).
	Changes collections.Map[int64, types.DidChanges]
	// Changed collects the DIDs written in the current block, in the transient store: a failed
	// transaction's entries go with its cache, CheckTx and simulation never reach the block's
	// store, and commit empties it.
	Changed collections.KeySet[string]
}

// NewKeeper builds the DID registry keeper on its store and its transient store.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, tstoreService corestore.TransientStoreService,
	addressCodec address.Codec,
) *Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	tsb := collections.NewSchemaBuilderFromAccessor(tstoreService.OpenTransientStore)
	k := &Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		storeService: storeService,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Versions: collections.NewMap(sb, types.VersionsKey, "versions",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key),
			codec.CollValue[types.DidDocumentVersion](cdc)),
		VersionTimes: collections.NewMap(sb, types.VersionTimesKey, "version_times",
			collections.PairKeyCodec(collections.StringKey, collections.Int64Key), collections.Uint64Value),
		Changes: collections.NewMap(sb, types.ChangesKey, "changes", collections.Int64Key, codec.CollValue[types.DidChanges](cdc)),
		Changed: collections.NewKeySet(tsb, types.ChangedKey, "changed", collections.StringKey),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	if _, err := tsb.Build(); err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// AddressCodec returns the account address codec.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

// Network returns the did:amanah network name of this chain.
func (k Keeper) Network(ctx context.Context) (string, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return "", fmt.Errorf("did params: %w", err)
	}
	return p.Network, nil
}

// IsActive reports whether did exists and is not deactivated.
func (k Keeper) IsActive(ctx context.Context, did string) (bool, error) {
	h, err := k.head(ctx, did)
	if errors.Is(err, types.ErrDidNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !h.Deactivated, nil
}

// exists reports whether did has been created (its first version is stored).
func (k Keeper) exists(ctx context.Context, did string) (bool, error) {
	return k.Versions.Has(ctx, collections.Join(did, uint64(1)))
}

// head returns the head of did (from its newest version), or ErrDidNotFound.
func (k Keeper) head(ctx context.Context, did string) (types.DidHead, error) {
	v, err := k.latest(ctx, did)
	if err != nil {
		return types.DidHead{}, err
	}
	return types.DidHead{LatestSequence: v.Sequence, Deactivated: v.Deactivated}, nil
}

// latest returns the newest version of did, or ErrDidNotFound.
func (k Keeper) latest(ctx context.Context, did string) (types.DidDocumentVersion, error) {
	rng := collections.NewPrefixedPairRange[string, uint64](did).Descending()
	it, err := k.Versions.Iterate(ctx, rng)
	if err != nil {
		return types.DidDocumentVersion{}, err
	}
	defer it.Close()
	if !it.Valid() {
		return types.DidDocumentVersion{}, errorsmod.Wrap(types.ErrDidNotFound, did)
	}
	kv, err := it.KeyValue()
	if err != nil {
		return types.DidDocumentVersion{}, err
	}
	return withKey(kv.Key, kv.Value), nil
}

// version returns version seq of did, or ErrVersionNotFound.
func (k Keeper) version(ctx context.Context, did string, seq uint64) (types.DidDocumentVersion, error) {
	key := collections.Join(did, seq)
	v, err := k.Versions.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		return v, errorsmod.Wrapf(types.ErrVersionNotFound, "%s version %d", did, seq)
	}
	return withKey(key, v), err
}

// withKey fills in the fields of a stored version that its key gives: the DID, the sequence,
// the version id and the previous version id (the sequence before it).
func withKey(key collections.Pair[string, uint64], v types.DidDocumentVersion) types.DidDocumentVersion {
	v.Did, v.Sequence = key.K1(), key.K2()
	v.VersionId = types.VersionID(v.Sequence)
	v.PreviousVersionId = ""
	if v.Sequence > 1 {
		v.PreviousVersionId = types.VersionID(v.Sequence - 1)
	}
	return v
}

// stored returns v as it is stored: without the fields its key gives.
func stored(v types.DidDocumentVersion) types.DidDocumentVersion {
	v.Did, v.Sequence, v.VersionId, v.PreviousVersionId = "", 0, "", ""
	return v
}

// metadata returns the metadata of v, with the next version id from the head.
func metadata(h types.DidHead, v types.DidDocumentVersion) types.DocumentMetadata {
	next := ""
	if v.Sequence < h.LatestSequence {
		next = types.VersionID(v.Sequence + 1)
	}
	return v.Metadata(next)
}

// decode returns the document of a stored version.
func decode(v types.DidDocumentVersion) (*didcore.Document, error) {
	doc, err := didcore.ParseDocument(v.DocumentJson)
	if err != nil {
		return nil, fmt.Errorf("stored document %s v%s: %w", v.Did, v.VersionId, err)
	}
	return doc, nil
}

// resolved turns a stored version into the (document, metadata, error) answer: a
// deactivation version gives ErrDidDeactivated with its metadata and no document.
func resolved(h types.DidHead, v types.DidDocumentVersion) (*didcore.Document, types.DocumentMetadata, error) {
	md := metadata(h, v)
	if v.Deactivated {
		return nil, md, errorsmod.Wrap(types.ErrDidDeactivated, v.Did)
	}
	doc, err := decode(v)
	if err != nil {
		return nil, md, err
	}
	return doc, md, nil
}

// Resolve returns the latest document of did and its metadata. A deactivated DID gives
// ErrDidDeactivated (with the deactivation version's metadata); an unknown one ErrDidNotFound.
func (k Keeper) Resolve(ctx context.Context, did string) (*didcore.Document, types.DocumentMetadata, error) {
	h, err := k.head(ctx, did)
	if err != nil {
		return nil, types.DocumentMetadata{}, err
	}
	v, err := k.version(ctx, did, h.LatestSequence)
	if err != nil {
		return nil, types.DocumentMetadata{}, err
	}
	return resolved(h, v)
}

// ResolveVersion returns the document of did at versionID and its metadata.
func (k Keeper) ResolveVersion(ctx context.Context, did, versionID string) (*didcore.Document, types.DocumentMetadata, error) {
	seq, err := types.ParseVersionID(versionID)
	if err != nil {
		return nil, types.DocumentMetadata{}, err
	}
	h, err := k.head(ctx, did)
	if err != nil {
		return nil, types.DocumentMetadata{}, err
	}
	if seq > h.LatestSequence {
		return nil, types.DocumentMetadata{}, errorsmod.Wrapf(types.ErrVersionNotFound, "%s version %s", did, versionID)
	}
	v, err := k.version(ctx, did, seq)
	if err != nil {
		return nil, types.DocumentMetadata{}, err
	}
	return resolved(h, v)
}

// ResolveAt returns the document of did that was valid at time at (the last version written
// at or before it; of several versions written in one block, the last) and its metadata.
// Before creation: ErrDidNotFound; after deactivation: ErrDidDeactivated. It reads the head,
// one entry of the time index and the version: O(log n) in the store, whatever the history.
func (k Keeper) ResolveAt(ctx context.Context, did string, at time.Time) (*didcore.Document, types.DocumentMetadata, error) {
	h, err := k.head(ctx, did)
	if err != nil {
		return nil, types.DocumentMetadata{}, err
	}
	v, found, err := k.versionAt(ctx, did, at)
	if err != nil {
		return nil, types.DocumentMetadata{}, err
	}
	if !found {
		return nil, types.DocumentMetadata{}, errorsmod.Wrapf(types.ErrDidNotFound, "%s did not exist at %s", did, at.UTC().Format(time.RFC3339))
	}
	return resolved(h, v)
}

// versionAt finds the last version of did with updated <= at, from the time index.
func (k Keeper) versionAt(ctx context.Context, did string, at time.Time) (types.DidDocumentVersion, bool, error) {
	if at.Before(types.MinIndexedTime) {
		return types.DidDocumentVersion{}, false, nil // every version is at or after it
	}
	end := int64(math.MaxInt64) // after the range: every version is at or before it
	if !at.After(types.MaxIndexedTime) {
		end = at.UnixNano()
	}
	rng := collections.NewPrefixedPairRange[string, int64](did).EndInclusive(end).Descending()
	it, err := k.VersionTimes.Iterate(ctx, rng)
	if err != nil {
		return types.DidDocumentVersion{}, false, err
	}
	defer it.Close()
	if !it.Valid() { // no later version at or before t: version 1, if it is
		v, err := k.version(ctx, did, 1)
		if err != nil {
			return v, false, err
		}
		return v, !v.Updated.After(at), nil
	}
	seq, err := it.Value()
	if err != nil {
		return types.DidDocumentVersion{}, false, err
	}
	v, err := k.version(ctx, did, seq)
	if err != nil {
		return v, false, fmt.Errorf("time index of %s: %w", did, err)
	}
	return v, true, nil
}

// latestActive returns the head, latest version and document of an active DID.
func (k Keeper) latestActive(ctx context.Context, did string) (types.DidHead, types.DidDocumentVersion, *didcore.Document, error) {
	h, err := k.head(ctx, did)
	if err != nil {
		return h, types.DidDocumentVersion{}, nil, err
	}
	if h.Deactivated {
		return h, types.DidDocumentVersion{}, nil, errorsmod.Wrap(types.ErrDidDeactivated, did)
	}
	v, err := k.version(ctx, did, h.LatestSequence)
	if err != nil {
		return h, v, nil, err
	}
	doc, err := decode(v)
	return h, v, doc, err
}
