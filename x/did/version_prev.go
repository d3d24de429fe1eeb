//go:build prevrelease

package did

// ConsensusVersion of the previous release (build tag prevrelease, used by the fault suite's
// upgrade test to build the binary a network upgrades from): state version 2, before the time
// index: its keeper writes no time index entries (keeper/release_prev.go), so resolving by time
// finds version 1 until the did-time-index upgrade's Migrate2to3 builds the index.
const ConsensusVersion = 2
