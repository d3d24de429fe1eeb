package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the council module's name, store key and module account.
	ModuleName = "council"
	// StoreKey is the council's KV store key.
	StoreKey = ModuleName
)

// Collection prefixes of the council's state.
var (
	ParamsKey  = collections.NewPrefix(0)
	MembersKey = collections.NewPrefix(1)
	WritersKey = collections.NewPrefix(2)
	UsageKey   = collections.NewPrefix(3) // writer account bytes -> WriterUsage of its latest window
)
