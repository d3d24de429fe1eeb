package app_test

import (
	"testing"

	"cosmossdk.io/log/v2"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server/api"
	"github.com/cosmos/cosmos-sdk/server/config"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	"github.com/gorilla/mux"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/amanah-id/amanah/app"
	didrest "github.com/amanah-id/amanah/x/did/client/rest"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// TestRegisterAPIRoutes checks the node's own HTTP routes (DID resolution, status lists) are
// registered by App.RegisterAPIRoutes itself, beside the gateway routes.
func TestRegisterAPIRoutes(t *testing.T) {
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()))
	srv := api.New(client.Context{}.WithInterfaceRegistry(a.InterfaceRegistry()), log.NewNopLogger(), grpc.NewServer())
	a.RegisterAPIRoutes(srv, config.APIConfig{})

	var paths []string
	require.NoError(t, srv.Router.Walk(func(r *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		if p, err := r.GetPathTemplate(); err == nil {
			paths = append(paths, p)
		}
		return nil
	}))
	require.Contains(t, paths, didrest.ResolverPath)
	require.Contains(t, paths, statustypes.ListPath+"{id:[0-9]+}")
}
