package trust

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions gives `amanahd q trust ...`. Every message is either DID-signed (hand-written
// `tx trust` commands) or a council decision sent in `tx gov submit-proposal`, so autocli skips
// the tx side.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "amanah.trust.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "IsAccredited", Use: "is-accredited [did] [vct]",
					Short:          "Is the DID accredited to issue the credential type (at --time, default now)? With the proving chain",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "did"}, {ProtoField: "vct"}}},
				{RpcMethod: "CredentialType", Use: "credential-type [vct]",
					Short:          "Show a credential type (the latest version unless --type-version)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "vct"}},
					// Not --version: the node's config.toml has a top-level `version` key that the
					// client binds to a flag of that name, so `--version` failed in any node home.
					FlagOptions: map[string]*autocliv1.FlagOptions{"version": {Name: "type-version", Usage: "the credential type's version (0: the latest)"}}},
				{RpcMethod: "CredentialTypes", Use: "credential-types", Short: "List every version of every credential type"},
				{RpcMethod: "Accreditation", Use: "accreditation [id]", Short: "Show one accreditation with its status history",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}}},
				{RpcMethod: "Accreditations", Use: "accreditations",
					Short: "List accreditations (--accredited DID or --accreditor DID to filter)"},
				{RpcMethod: "RelyingParty", Use: "relying-party [did]", Short: "Show a relying party and the claims it may request",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "did"}}},
				{RpcMethod: "RelyingParties", Use: "relying-parties", Short: "List the relying parties"},
				{RpcMethod: "LedgerRecognition", Use: "ledger-recognition [chain-id]",
					Short:          "Show the recognition of a foreign ledger (in force at --time, default now; or --recognition-version)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "chain_id"}},
					FlagOptions:    map[string]*autocliv1.FlagOptions{"version": {Name: "recognition-version", Usage: "one version (0: the one in force)"}}},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "amanah.trust.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "RegisterCredentialType", Skip: true},
				{RpcMethod: "Accredit", Skip: true},
				{RpcMethod: "SetAccreditationStatus", Skip: true},
				{RpcMethod: "RegisterRelyingParty", Skip: true},
				{RpcMethod: "RecognizeLedger", Skip: true},            // a council decision (tx gov submit-proposal)
				{RpcMethod: "SetLedgerRecognitionStatus", Skip: true}, // likewise
			},
			EnhanceCustomCommand: true,
		},
	}
}
