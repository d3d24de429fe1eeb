package status

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions gives `amanahd q status ...`; the tx commands are custom (GetTxCmd) because
// they sign payloads with the issuer's DID key.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "amanah.status.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Entry", Use: "entry [list-id] [index]", Short: "Show one entry's status and the list's last-update height",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "list_id"}, {ProtoField: "index"}}},
				{RpcMethod: "Encoded", Use: "list [list-id]", Short: "Show a whole list encoded (--format token|bitstring; default both)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "list_id"}}},
				{RpcMethod: "List", Use: "metadata [list-id]", Short: "Show a list's metadata",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "list_id"}}},
				{RpcMethod: "ListsByOwner", Use: "lists-by-owner [owner-did]", Short: "List an issuer DID's lists",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "owner"}}},
				{RpcMethod: "Page", Use: "page [list-id] [page]", Short: "Show one 4 KiB page",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "list_id"}, {ProtoField: "page"}}},
				{RpcMethod: "Changes", Use: "changes [list-id] [since-height]", Short: "Show the changes above a height",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "list_id"}, {ProtoField: "since_height"}}},
				{RpcMethod: "Sequence", Use: "sequence [owner-did]", Short: "Show the sequence an owner's next payload must carry",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "owner"}}},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              "amanah.status.v1.Msg",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "CreateStatusList", Skip: true},
				{RpcMethod: "UpdateStatusList", Skip: true},
			},
		},
	}
}
