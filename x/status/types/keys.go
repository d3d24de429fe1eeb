package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the status module's name and store key.
	ModuleName = "status"
	// StoreKey is the status module's KV store key.
	StoreKey = ModuleName
)

// Collection prefixes of the status module's state.
var (
	NextListIDKey   = collections.NewPrefix(0)
	ListsKey        = collections.NewPrefix(1)
	PagesKey        = collections.NewPrefix(2)
	ChangesKey      = collections.NewPrefix(3)
	SequencesKey    = collections.NewPrefix(4)
	ListsByOwnerKey = collections.NewPrefix(5)
)

// ChangeRetentionBlocks is how many blocks of change records a list keeps for incremental
// cache updates; older records are pruned as the list is updated.
const ChangeRetentionBlocks = 100_000

// MaxPrunePerUpdate bounds the change records one update deletes, so an update's gas stays bounded.
const MaxPrunePerUpdate = 4
