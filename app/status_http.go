package app

import (
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server/api"

	statusrest "github.com/amanah-id/amanah/x/status/client/rest"
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// The node serves status lists at /amanah/status/v1/lists/{id}?format=token|bitstring, the
// URL credentials name in status.status_list.uri and credentialStatus.statusListCredential.
func init() {
	httpRoutes = append(httpRoutes, func(clientCtx client.Context, apiSvr *api.Server) {
		statusrest.RegisterRoutes(apiSvr.Router, statustypes.NewQueryClient(clientCtx))
	})
}
