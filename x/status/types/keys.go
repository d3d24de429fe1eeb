package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the status module's name and store key.
	ModuleName = "status"
	// StoreKey is the status module's KV store key.
	StoreKey = ModuleName
	// TStoreKey is the status module's transient store key (what changed in the current block).
	TStoreKey = "transient_status"
)

// Collection prefixes of the status module's state.
var (
	NextListIDKey   = collections.NewPrefix(0)
	ListsKey        = collections.NewPrefix(1)
	PagesKey        = collections.NewPrefix(2)
	ChangesKey      = collections.NewPrefix(3)
	SequencesKey    = collections.NewPrefix(4)
	ListsByOwnerKey = collections.NewPrefix(5)
	// BlockChangesKey is the per-block change journal: block height (Int64Key) -> StatusChanges.
	BlockChangesKey = collections.NewPrefix(6)
)

// Collection prefixes of the transient store (reset at every commit): what the current block changed.
var (
	ChangedListsKey = collections.NewPrefix(0) // list ids (Uint64Key set)
	ChangedPagesKey = collections.NewPrefix(1) // (list id, page) (Pair[Uint64Key, Uint32Key] set)
)

// ChangeRetentionBlocks is how many blocks of change records a list keeps for incremental
// cache updates (older records are pruned as the list is updated), and how many blocks of the
// per-block change journal the module keeps (the entry of height h is deleted at the end of
// block h + ChangeRetentionBlocks).
const ChangeRetentionBlocks = 100_000

// MaxPrunePerUpdate bounds the change records one update deletes, so an update's gas stays bounded.
const MaxPrunePerUpdate = 4
