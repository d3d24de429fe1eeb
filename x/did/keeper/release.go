//go:build !prevrelease

package keeper

// indexVersionTimes: this release indexes DID document versions by time as it writes them
// (state version 3). The previous release (build tag prevrelease, release_prev.go) did not; the
// did-time-index upgrade (Migrate2to3) builds the index of what it wrote.
const indexVersionTimes = true
