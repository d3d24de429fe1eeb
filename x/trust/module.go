// Package trust is the trust registry: credential types, the accreditation chain from the
// council through accreditation bodies to issuers, and the relying parties.
package trust

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

	"github.com/amanah-id/amanah/x/trust/client/cli"
	"github.com/amanah-id/amanah/x/trust/keeper"
	"github.com/amanah-id/amanah/x/trust/types"
)

// ConsensusVersion is the trust registry state's version.
// Version 2: the Held index (holder -> accreditation ids) replaces the holder multi-index (Migrate1to2).
// Version 3: relying parties carry their consented audiences (Migrate2to3: old records have none).
// Version 4: recognitions of foreign ledgers and relying parties' foreign opt-ins (Migrate3to4:
// existing records unchanged, nothing foreign accepted by them).
const ConsensusVersion = 4

var (
	_ module.AppModuleBasic      = AppModule{}
	_ module.HasGenesis          = AppModule{}
	_ module.HasServices         = AppModule{}
	_ module.HasConsensusVersion = AppModule{}
	_ appmodule.AppModule        = AppModule{}
	_ appmodule.HasEndBlocker    = AppModule{}
)

// AppModule is the trust registry module.
type AppModule struct {
	cdc    codec.Codec
	keeper *keeper.Keeper
}

// NewAppModule returns the trust registry module.
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

// GetTxCmd returns the hand-written `tx trust` commands (they sign payloads with DID keys).
func (AppModule) GetTxCmd() *cobra.Command { return cli.GetTxCmd() }

// RegisterServices registers the Msg and Query services.
func (am AppModule) RegisterServices(cfg module.Configurator) {
	types.RegisterMsgServer(cfg.MsgServer(), keeper.NewMsgServerImpl(am.keeper))
	types.RegisterQueryServer(cfg.QueryServer(), keeper.NewQueryServer(am.keeper))
	if err := cfg.RegisterMigration(types.ModuleName, 1, func(ctx sdk.Context) error { return am.keeper.Migrate1to2(ctx) }); err != nil {
		panic(fmt.Sprintf("x/trust: register migration 1 -> 2: %v", err))
	}
	if err := cfg.RegisterMigration(types.ModuleName, 2, func(ctx sdk.Context) error { return am.keeper.Migrate2to3(ctx) }); err != nil {
		panic(fmt.Sprintf("x/trust: register migration 2 -> 3: %v", err))
	}
	if err := cfg.RegisterMigration(types.ModuleName, 3, func(ctx sdk.Context) error { return am.keeper.Migrate3to4(ctx) }); err != nil {
		panic(fmt.Sprintf("x/trust: register migration 3 -> 4: %v", err))
	}
}

// DefaultGenesis returns an empty registry.
func (AppModule) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	return cdc.MustMarshalJSON(types.DefaultGenesis())
}

// ValidateGenesis validates the registry's genesis.
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
