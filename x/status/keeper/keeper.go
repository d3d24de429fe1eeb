// Package keeper holds the status lists: metadata, 4 KiB pages keyed by (list, page), a
// bounded per-list change log and the owners' payload sequences.
package keeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/x/status/types"
)

// Keeper holds the status module's state.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	dids         types.DIDKeeper

	Schema       collections.Schema
	NextListID   collections.Sequence
	Lists        collections.Map[uint64, types.StatusList]
	ListsByOwner collections.KeySet[collections.Pair[string, uint64]]      // (owner DID, list id)
	Pages        collections.Map[collections.Pair[uint64, uint32], []byte] // (list id, page) -> 4 KiB; absent = all zero
	Changes      collections.Map[collections.Pair[uint64, int64], types.ChangeRecord]
	Sequences    collections.Map[string, uint64] // owner DID -> next payload sequence
	// BlockChanges is the per-block change journal: height -> the lists created or updated in
	// that block and the pages written (written in EndBlock, pruned after
	// ChangeRetentionBlocks, not exported).
	BlockChanges collections.Map[int64, types.StatusChanges]

	// What the current block changed, in the transient store: a failed transaction's entries
	// go with its cache, CheckTx and simulation never reach the block's store, and commit
	// empties them.
	ChangedLists collections.KeySet[uint64]
	ChangedPages collections.KeySet[collections.Pair[uint64, uint32]]
}

// NewKeeper builds the status keeper on its store and transient store, reading DIDs through dids.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, tstoreService corestore.TransientStoreService,
	addressCodec address.Codec, dids types.DIDKeeper,
) *Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	tsb := collections.NewSchemaBuilderFromAccessor(tstoreService.OpenTransientStore)
	k := &Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		dids:         dids,
		NextListID:   collections.NewSequence(sb, types.NextListIDKey, "next_list_id"),
		Lists:        collections.NewMap(sb, types.ListsKey, "lists", collections.Uint64Key, codec.CollValue[types.StatusList](cdc)),
		ListsByOwner: collections.NewKeySet(sb, types.ListsByOwnerKey, "lists_by_owner", collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)),
		Pages: collections.NewMap(sb, types.PagesKey, "pages",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint32Key), collections.BytesValue),
		Changes: collections.NewMap(sb, types.ChangesKey, "changes",
			collections.PairKeyCodec(collections.Uint64Key, collections.Int64Key), codec.CollValue[types.ChangeRecord](cdc)),
		Sequences: collections.NewMap(sb, types.SequencesKey, "sequences", collections.StringKey, collections.Uint64Value),
		BlockChanges: collections.NewMap(sb, types.BlockChangesKey, "block_changes", collections.Int64Key,
			codec.CollValue[types.StatusChanges](cdc)),
		ChangedLists: collections.NewKeySet(tsb, types.ChangedListsKey, "changed_lists", collections.Uint64Key),
		ChangedPages: collections.NewKeySet(tsb, types.ChangedPagesKey, "changed_pages",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint32Key)),
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

// GetList returns a list's metadata, or ErrListNotFound.
func (k *Keeper) GetList(ctx context.Context, id uint64) (types.StatusList, error) {
	l, err := k.Lists.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return l, errorsmod.Wrapf(types.ErrListNotFound, "list %d", id)
	}
	return l, err
}

// NextSequence returns the sequence the owner's next payload must carry.
func (k *Keeper) NextSequence(ctx context.Context, owner string) (uint64, error) {
	s, err := k.Sequences.Get(ctx, owner)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	return s, err
}

// page returns page p of list id, all zero if never written.
func (k *Keeper) page(ctx context.Context, id uint64, p uint32) ([]byte, error) {
	data, err := k.Pages.Get(ctx, collections.Join(id, p))
	if errors.Is(err, collections.ErrNotFound) {
		return make([]byte, statuslist.PageBytes), nil
	}
	if err != nil {
		return nil, err
	}
	if len(data) != statuslist.PageBytes {
		return nil, fmt.Errorf("list %d page %d: stored %d bytes", id, p, len(data))
	}
	return data, nil
}

// Page returns page p of a list (all zero if never written), or ErrPageOutOfRange.
func (k *Keeper) Page(ctx context.Context, l types.StatusList, p uint32) ([]byte, error) {
	if n := statuslist.NumPages(uint8(l.Bits), l.Size_); p >= n {
		return nil, errorsmod.Wrapf(types.ErrPageOutOfRange, "page %d of %d", p, n)
	}
	return k.page(ctx, l.Id, p)
}

// Entry returns the status of entry index of a list, reading one page.
func (k *Keeper) Entry(ctx context.Context, l types.StatusList, index uint32) (uint8, error) {
	if index >= l.Size_ {
		return 0, errorsmod.Wrapf(types.ErrIndexOutOfRange, "index %d >= size %d", index, l.Size_)
	}
	p, off := statuslist.Locate(index, uint8(l.Bits))
	data, err := k.Pages.Get(ctx, collections.Join(l.Id, p))
	if errors.Is(err, collections.ErrNotFound) {
		return statuslist.StatusValid, nil
	}
	if err != nil {
		return 0, err
	}
	return statuslist.Get(data, off, uint8(l.Bits)), nil
}

// ListBytes returns the whole list as one LSB-first byte array (the Token Status List array).
func (k *Keeper) ListBytes(ctx context.Context, l types.StatusList) ([]byte, error) {
	n := statuslist.NumPages(uint8(l.Bits), l.Size_)
	raw := make([]byte, int(n)*statuslist.PageBytes)
	err := k.Pages.Walk(ctx, collections.NewPrefixedPairRange[uint64, uint32](l.Id),
		func(key collections.Pair[uint64, uint32], data []byte) (bool, error) {
			p := key.K2()
			if p >= n || len(data) != statuslist.PageBytes {
				return true, fmt.Errorf("list %d: bad stored page %d (%d bytes)", l.Id, p, len(data))
			}
			copy(raw[int(p)*statuslist.PageBytes:], data)
			return false, nil
		})
	return raw, err
}

// createList stores a new all-valid list and returns it.
func (k *Keeper) createList(ctx context.Context, owner string, purpose types.StatusPurpose, size uint32) (types.StatusList, error) {
	id, err := k.NextListID.Next(ctx)
	if err != nil {
		return types.StatusList{}, err
	}
	if id == 0 { // ids start at 1 so that 0 means "none"
		if id, err = k.NextListID.Next(ctx); err != nil {
			return types.StatusList{}, err
		}
	}
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	l := types.StatusList{
		Id: id, Owner: owner, Purpose: purpose, Bits: purpose.Bits(), Size_: size,
		CreatedHeight: h, UpdatedHeight: h,
	}
	if err := k.Lists.Set(ctx, id, l); err != nil {
		return l, err
	}
	return l, k.ListsByOwner.Set(ctx, collections.Join(owner, id))
}

// applyDelta writes a validated delta: only the pages it touches are read and written, and
// pages that become all zero are deleted. It returns the touched page numbers.
func (k *Keeper) applyDelta(ctx context.Context, l types.StatusList, d statuslist.Delta) ([]uint32, error) {
	bits := uint8(l.Bits)
	groups := statuslist.GroupByPage(d, bits)
	touched := make([]uint32, 0, len(groups))
	var zero [statuslist.PageBytes]byte
	for _, g := range groups {
		data, err := k.page(ctx, l.Id, g.Page)
		if err != nil {
			return nil, err
		}
		if err := g.ApplyTo(data, bits); err != nil {
			return nil, types.ListError(err)
		}
		key := collections.Join(l.Id, g.Page)
		if bytes.Equal(data, zero[:]) {
			err = k.Pages.Remove(ctx, key)
		} else {
			err = k.Pages.Set(ctx, key, data)
		}
		if err != nil {
			return nil, err
		}
		touched = append(touched, g.Page)
	}
	return touched, nil
}

// recordChange appends the delta to the list's change record of height h and prunes at most
// MaxPrunePerUpdate records older than ChangeRetentionBlocks. It returns the new pruned height.
func (k *Keeper) recordChange(ctx context.Context, l types.StatusList, h int64, d statuslist.Delta) (int64, error) {
	key := collections.Join(l.Id, h)
	rec, err := k.Changes.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		rec = types.ChangeRecord{Height: h}
	} else if err != nil {
		return 0, err
	}
	for _, e := range d {
		rec.Indices = append(rec.Indices, e.Index)
		rec.Values = append(rec.Values, e.Value)
	}
	if err := k.Changes.Set(ctx, key, rec); err != nil {
		return 0, err
	}
	pruned := l.ChangesPrunedHeight
	cutoff := h - types.ChangeRetentionBlocks
	if cutoff <= pruned {
		return pruned, nil
	}
	rng := collections.NewPrefixedPairRange[uint64, int64](l.Id).StartExclusive(pruned).EndInclusive(cutoff)
	var old []int64
	err = k.Changes.Walk(ctx, rng, func(key collections.Pair[uint64, int64], _ types.ChangeRecord) (bool, error) {
		old = append(old, key.K2())
		return len(old) >= types.MaxPrunePerUpdate, nil
	})
	if err != nil {
		return 0, err
	}
	for _, oh := range old {
		if err := k.Changes.Remove(ctx, collections.Join(l.Id, oh)); err != nil {
			return 0, err
		}
		pruned = oh
	}
	if len(old) < types.MaxPrunePerUpdate {
		pruned = cutoff // nothing else at or below the cutoff
	}
	return pruned, nil
}
