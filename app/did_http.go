package app

import (
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server/api"

	didrest "github.com/amanah-id/amanah/x/did/client/rest"
	didtypes "github.com/amanah-id/amanah/x/did/types"
)

// The node serves DID resolution at /1.0/identifiers/{did} (Universal Resolver driver shape).
func init() {
	httpRoutes = append(httpRoutes, func(clientCtx client.Context, apiSvr *api.Server) {
		didrest.RegisterRoutes(apiSvr.Router, didtypes.NewQueryClient(clientCtx))
	})
}
