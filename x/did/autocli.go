package did

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions fills in `amanahd q did ...` around the hand-written resolve command. The tx
// commands are all hand-written (they sign payloads with DID keys), so autocli skips them.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "amanah.did.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the DID registry's params (network name)"},
				{RpcMethod: "Resolve", Skip: true},
				{RpcMethod: "Versions", Use: "versions [did]", Short: "List the metadata of a DID's versions (at most 100 per page; --page-key, --page-offset, --page-reverse)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "did"}}},
			},
			EnhanceCustomCommand: true,
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "amanah.did.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "CreateDid", Skip: true},
				{RpcMethod: "UpdateDid", Skip: true},
				{RpcMethod: "DeactivateDid", Skip: true},
			},
			EnhanceCustomCommand: true,
		},
	}
}
