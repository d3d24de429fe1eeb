//go:build prevrelease

package did

// ConsensusVersion of the previous release (build tag prevrelease, used by the fault suite's
// upgrade test to build the binary a network upgrades from): state version 2, before the time
// index. Its keeper code is this release's, so the 2 -> 3 migration rewrites the index entries
// it wrote; the test checks that every read is the same after the upgrade.
const ConsensusVersion = 2
