//go:build !prevrelease

package app_test

import (
	"testing"

	"cosmossdk.io/log/v2"
	dbm "github.com/cosmos/cosmos-db"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/app/upgrades/didtimeindex"
	"github.com/amanah-id/amanah/x/did"
)

// TestUpgradesRegistered checks that the binary registers a handler for every upgrade it
// lists, names are unique, and that the did-time-index upgrade is known to the release in which
// x/did is at state version 3 (the upgrade itself runs in tests/faults TestSoftwareUpgrade).
func TestUpgradesRegistered(t *testing.T) {
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()))
	seen := map[string]bool{}
	for _, u := range app.Upgrades {
		require.False(t, seen[u.Name], "upgrade %q listed twice", u.Name)
		seen[u.Name] = true
		require.True(t, a.UpgradeKeeper.HasHandler(u.Name), "no handler for %q", u.Name)
	}
	require.EqualValues(t, 3, did.ConsensusVersion)
	require.True(t, seen[didtimeindex.Name], "did-time-index not registered")
}
