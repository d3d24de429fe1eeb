// Package did is the DID registry: did:amanah DID documents (W3C DID Core) whose every
// version stays resolvable, changed only by signatures of the DIDs' own keys.
package did

import (
	"context"
	"encoding/json"
	"fmt"

	"cosmossdk.io/core/appmodule"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"
	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/x/did/client/cli"
	"github.com/amanah-id/amanah/x/did/keeper"
	"github.com/amanah-id/amanah/x/did/types"
)

var (
	_ module.AppModuleBasic      = AppModule{}
	_ module.HasGenesis          = AppModule{}
	_ module.HasServices         = AppModule{}
	_ module.HasConsensusVersion = AppModule{}
	_ appmodule.AppModule        = AppModule{}
	_ appmodule.HasEndBlocker    = AppModule{}
)

// AppModule is the DID registry module.
type AppModule struct {
	cdc    codec.Codec
	keeper *keeper.Keeper
}

// NewAppModule returns the DID registry module.
func NewAppModule(cdc codec.Codec, k *keeper.Keeper) AppModule { return AppModule{cdc: cdc, keeper: k} }

// Name returns the module name.
func (AppModule) Name() string { return types.ModuleName }

// IsAppModule marks the type as an app module.
func (AppModule) IsAppModule() {}

// IsOnePerModuleType marks the type as one per module.
func (AppModule) IsOnePerModuleType() {}

// ConsensusVersion returns the state version.
func (AppModule) ConsensusVersion() uint64 { return ConsensusVersion }

// EndBlock writes the block's change journal entry (see keeper.EndBlock).
func (am AppModule) EndBlock(ctx context.Context) error { return am.keeper.EndBlock(ctx) }

// RegisterLegacyAminoCodec registers amino names for the messages.
func (AppModule) RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	types.RegisterLegacyAminoCodec(cdc)
}

// RegisterInterfaces registers the messages.
func (AppModule) RegisterInterfaces(r codectypes.InterfaceRegistry) { types.RegisterInterfaces(r) }

// RegisterGRPCGatewayRoutes serves the queries over REST.
func (AppModule) RegisterGRPCGatewayRoutes(clientCtx client.Context, mux *gwruntime.ServeMux) {
	if err := types.RegisterQueryHandlerClient(context.Background(), mux, types.NewQueryClient(clientCtx)); err != nil {
		panic(err)
	}
}

// GetTxCmd returns the hand-written `tx did` commands (they sign payloads with DID keys).
func (AppModule) GetTxCmd() *cobra.Command { return cli.GetTxCmd() }

// GetQueryCmd returns the hand-written `q did` commands (resolve prints W3C JSON).
func (AppModule) GetQueryCmd() *cobra.Command { return cli.GetQueryCmd() }

// RegisterServices registers the Msg and Query services.
func (am AppModule) RegisterServices(cfg module.Configurator) {
	types.RegisterMsgServer(cfg.MsgServer(), keeper.NewMsgServerImpl(am.keeper))
	types.RegisterQueryServer(cfg.QueryServer(), keeper.NewQueryServer(am.keeper))
	if err := cfg.RegisterMigration(types.ModuleName, 1, func(ctx sdk.Context) error { return am.keeper.Migrate1to2(ctx) }); err != nil {
		panic(fmt.Sprintf("x/did: register migration 1 -> 2: %v", err))
	}
	if ConsensusVersion < 3 {
		return // the previous release (build tag prevrelease) stops at version 2
	}
	if err := cfg.RegisterMigration(types.ModuleName, 2, func(ctx sdk.Context) error { return am.keeper.Migrate2to3(ctx) }); err != nil {
		panic(fmt.Sprintf("x/did: register migration 2 -> 3: %v", err))
	}
}

// DefaultGenesis returns a registry without DIDs on the local network.
func (am AppModule) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	return cdc.MustMarshalJSON(types.DefaultGenesis())
}

// ValidateGenesis validates the registry's genesis (params and every version).
func (AppModule) ValidateGenesis(cdc codec.JSONCodec, _ client.TxEncodingConfig, bz json.RawMessage) error {
	var gs types.GenesisState
	if err := cdc.UnmarshalJSON(bz, &gs); err != nil {
		return fmt.Errorf("%s genesis: %w", types.ModuleName, err)
	}
	return gs.Validate()
}

// InitGenesis writes the genesis state.
func (am AppModule) InitGenesis(ctx sdk.Context, cdc codec.JSONCodec, bz json.RawMessage) {
	var gs types.GenesisState
	cdc.MustUnmarshalJSON(bz, &gs)
	if err := am.keeper.InitGenesis(ctx, &gs); err != nil {
		panic(fmt.Errorf("%s genesis: %w", types.ModuleName, err))
	}
}

// ExportGenesis reads the state.
func (am AppModule) ExportGenesis(ctx sdk.Context, cdc codec.JSONCodec) json.RawMessage {
	gs, err := am.keeper.ExportGenesis(ctx)
	if err != nil {
		panic(err)
	}
	return cdc.MustMarshalJSON(gs)
}
