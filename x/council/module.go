// Package council is the permissioned-validator module: the allowlist of member agencies,
// governed by council votes through x/gov, and the accounts authorised to write.
package council

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
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"

	"github.com/amanah-id/amanah/x/council/keeper"
	"github.com/amanah-id/amanah/x/council/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// ConsensusVersion is the council state's version.
// Version 2 (Migrate1to2): writers authorised through an accreditation record it; params gain
// the writer gas quota and its window (set to their defaults); writer usage is stored.
const ConsensusVersion = 2

var (
	_ module.AppModuleBasic      = AppModule{}
	_ module.HasGenesis          = AppModule{}
	_ module.HasServices         = AppModule{}
	_ module.HasConsensusVersion = AppModule{}
	_ appmodule.HasBeginBlocker  = AppModule{}
	_ appmodule.AppModule        = AppModule{}
)

// AppModule is the council module.
type AppModule struct {
	cdc    codec.Codec
	keeper *keeper.Keeper
}

// NewAppModule returns the council module.
func NewAppModule(cdc codec.Codec, k *keeper.Keeper) AppModule { return AppModule{cdc: cdc, keeper: k} }

// Name returns the module name.
func (AppModule) Name() string { return types.ModuleName }

// IsAppModule marks the type as an app module.
func (AppModule) IsAppModule() {}

// IsOnePerModuleType marks the type as one per module.
func (AppModule) IsOnePerModuleType() {}

// ConsensusVersion returns the state version.
func (AppModule) ConsensusVersion() uint64 { return ConsensusVersion }

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

// RegisterServices registers the Msg and Query services.
func (am AppModule) RegisterServices(cfg module.Configurator) {
	types.RegisterMsgServer(cfg.MsgServer(), keeper.NewMsgServerImpl(am.keeper))
	types.RegisterQueryServer(cfg.QueryServer(), keeper.NewQueryServer(am.keeper))
	trustModule := authtypes.NewModuleAddress(trusttypes.ModuleName) // the granter of accredited operators
	if err := cfg.RegisterMigration(types.ModuleName, 1, func(ctx sdk.Context) error { return am.keeper.Migrate1to2(ctx, trustModule) }); err != nil {
		panic(fmt.Sprintf("council: register migration 1 to 2: %v", err))
	}
}

// BeginBlock prunes the writer usage of past quota windows at the start of each window.
func (am AppModule) BeginBlock(ctx context.Context) error {
	return am.keeper.PruneUsage(ctx, sdk.UnwrapSDKContext(ctx).BlockHeight())
}

// DefaultGenesis returns a council without members.
func (am AppModule) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	return cdc.MustMarshalJSON(types.DefaultGenesis())
}

// ValidateGenesis validates the council's own genesis.
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
