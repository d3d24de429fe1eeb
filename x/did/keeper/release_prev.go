//go:build prevrelease

package keeper

// indexVersionTimes of the previous release (x/did state version 2): no time index is written,
// so the fault suite's upgrade test sees Migrate2to3 build it. See release.go.
const indexVersionTimes = false
