package council

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions gives `amanahd q council ...` and `amanahd tx council ...` without
// hand-written commands. Messages only the gov authority may sign are skipped in `tx` (they
// travel inside `amanahd tx gov submit-proposal`).
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "amanah.council.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the council's params (bond amount)"},
				{RpcMethod: "Member", Use: "member [address]", Short: "Show one member agency",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "address"}}},
				{RpcMethod: "Members", Use: "members", Short: "List the member agencies"},
				{RpcMethod: "Writer", Use: "writer [address]", Short: "Show one authorised writer",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "address"}}},
				{RpcMethod: "Writers", Use: "writers", Short: "List the authorised writers"},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "amanah.council.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "AuthorizeWriter", Use: "authorize-writer [address] [note]",
					Short:          "Authorise an account to write (signed by a member: --from)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "address"}, {ProtoField: "note"}}},
				{RpcMethod: "RevokeWriter", Use: "revoke-writer [address]",
					Short:          "Withdraw a writer's authorisation (signed by the granting member: --from)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "address"}}},
				{RpcMethod: "AdmitMember", Skip: true},
				{RpcMethod: "RemoveMember", Skip: true},
				{RpcMethod: "UpdateParams", Skip: true},
			},
			EnhanceCustomCommand: false,
		},
	}
}
