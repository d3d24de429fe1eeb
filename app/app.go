// Package app wires the Amanah node: the Cosmos SDK modules a permissioned ledger needs plus
// Amanah's own (council, and the identity registries), by hand so each step is easy to trace.
package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	"cosmossdk.io/client/v2/autocli"
	"cosmossdk.io/core/appmodule"
	"cosmossdk.io/log/v2"
	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	nodeservice "github.com/cosmos/cosmos-sdk/client/grpc/node"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	runtimeservices "github.com/cosmos/cosmos-sdk/runtime/services"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/server/api"
	"github.com/cosmos/cosmos-sdk/server/config"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/std"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/version"
	"github.com/cosmos/cosmos-sdk/x/auth"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authcodec "github.com/cosmos/cosmos-sdk/x/auth/codec"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authsims "github.com/cosmos/cosmos-sdk/x/auth/simulation"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	authzkeeper "github.com/cosmos/cosmos-sdk/x/authz/keeper"
	authzmodule "github.com/cosmos/cosmos-sdk/x/authz/module"
	"github.com/cosmos/cosmos-sdk/x/bank"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/consensus"
	consensuskeeper "github.com/cosmos/cosmos-sdk/x/consensus/keeper"
	consensustypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	"github.com/cosmos/cosmos-sdk/x/evidence"
	evidencekeeper "github.com/cosmos/cosmos-sdk/x/evidence/keeper"
	evidencetypes "github.com/cosmos/cosmos-sdk/x/evidence/types"
	"github.com/cosmos/cosmos-sdk/x/feegrant"
	feegrantkeeper "github.com/cosmos/cosmos-sdk/x/feegrant/keeper"
	feegrantmodule "github.com/cosmos/cosmos-sdk/x/feegrant/module"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/cosmos/cosmos-sdk/x/gov"
	govclient "github.com/cosmos/cosmos-sdk/x/gov/client"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	"github.com/cosmos/cosmos-sdk/x/slashing"
	slashingkeeper "github.com/cosmos/cosmos-sdk/x/slashing/keeper"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
	"github.com/cosmos/cosmos-sdk/x/tx/signing"
	"github.com/cosmos/cosmos-sdk/x/upgrade"
	upgradekeeper "github.com/cosmos/cosmos-sdk/x/upgrade/keeper"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cast"

	"github.com/amanah-id/amanah/x/council"
	councilante "github.com/amanah-id/amanah/x/council/ante"
	councilkeeper "github.com/amanah-id/amanah/x/council/keeper"
	counciltypes "github.com/amanah-id/amanah/x/council/types"
	"github.com/amanah-id/amanah/x/did"
	didrest "github.com/amanah-id/amanah/x/did/client/rest"
	didkeeper "github.com/amanah-id/amanah/x/did/keeper"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	"github.com/amanah-id/amanah/x/status"
	statusrest "github.com/amanah-id/amanah/x/status/client/rest"
	statuskeeper "github.com/amanah-id/amanah/x/status/keeper"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	"github.com/amanah-id/amanah/x/trust"
	trustrest "github.com/amanah-id/amanah/x/trust/client/rest"
	trustkeeper "github.com/amanah-id/amanah/x/trust/keeper"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// Name is the application's name.
const Name = "amanah"

var (
	// DefaultNodeHome is where amanahd keeps its config and data unless --home says otherwise.
	DefaultNodeHome = defaultHome()

	_ runtime.AppI            = (*App)(nil)
	_ servertypes.Application = (*App)(nil)

	// maccPerms are the module accounts and what each may do with coins.
	maccPerms = map[string][]string{
		authtypes.FeeCollectorName:          nil,
		stakingtypes.BondedPoolName:         {authtypes.Burner, authtypes.Staking},
		stakingtypes.NotBondedPoolName:      {authtypes.Burner, authtypes.Staking},
		stakingtypes.KeyRotationFeePoolName: {authtypes.Burner},
		govtypes.ModuleName:                 {authtypes.Burner},
		counciltypes.ModuleName:             {authtypes.Minter}, // mints each admitted agency's bond
	}
)

func defaultHome() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ".amanahd"
	}
	return filepath.Join(home, ".amanahd")
}

// App is the Amanah node application.
type App struct {
	*baseapp.BaseApp

	legacyAmino       *codec.LegacyAmino
	appCodec          codec.Codec
	txConfig          client.TxConfig
	interfaceRegistry codectypes.InterfaceRegistry
	keys              map[string]*storetypes.KVStoreKey

	AccountKeeper   authkeeper.AccountKeeper
	BankKeeper      bankkeeper.BaseKeeper
	StakingKeeper   *stakingkeeper.Keeper
	SlashingKeeper  slashingkeeper.Keeper
	EvidenceKeeper  evidencekeeper.Keeper
	GovKeeper       govkeeper.Keeper
	ConsensusKeeper consensuskeeper.Keeper
	UpgradeKeeper   *upgradekeeper.Keeper
	FeeGrantKeeper  feegrantkeeper.Keeper
	AuthzKeeper     authzkeeper.Keeper
	CouncilKeeper   *councilkeeper.Keeper
	DidKeeper       *didkeeper.Keeper
	TrustKeeper     *trustkeeper.Keeper
	StatusKeeper    *statuskeeper.Keeper

	ModuleManager      *module.Manager
	BasicModuleManager module.BasicManager
	sm                 *module.SimulationManager
	configurator       module.Configurator
}

// New builds the application on db. loadLatest loads the last committed state.
func New(logger log.Logger, db dbm.DB, loadLatest bool,
	appOpts servertypes.AppOptions, baseAppOptions ...func(*baseapp.BaseApp),
) *App {
	interfaceRegistry, err := codectypes.NewInterfaceRegistryWithOptions(codectypes.InterfaceRegistryOptions{
		ProtoFiles: proto.HybridResolver,
		SigningOptions: signing.Options{
			AddressCodec:          address.Bech32Codec{Bech32Prefix: sdk.GetConfig().GetBech32AccountAddrPrefix()},
			ValidatorAddressCodec: address.Bech32Codec{Bech32Prefix: sdk.GetConfig().GetBech32ValidatorAddrPrefix()},
		},
	})
	if err != nil {
		panic(err)
	}
	appCodec := codec.NewProtoCodec(interfaceRegistry)
	legacyAmino := codec.NewLegacyAmino()
	txConfig := authtx.NewTxConfig(appCodec, authtx.DefaultSignModes)
	std.RegisterLegacyAminoCodec(legacyAmino)
	std.RegisterInterfaces(interfaceRegistry)

	// Last, so it replaces the no-op mempool the server's default options set.
	baseAppOptions = append(baseAppOptions, mempoolOption(appOpts))
	bApp := baseapp.NewBaseApp(Name, logger, db, txConfig.TxDecoder(), baseAppOptions...)
	// With an app-side mempool the SDK's default proposal handlers re-run the ante handler on
	// every transaction of every proposal; keep accepting proposals as before (blocks are
	// built by council validators, and DeliverTx still refuses what the ante refuses), and
	// build them from the priority mempool without the re-run (prepareProposal).
	bApp.SetProcessProposal(baseapp.NoOpProcessProposal())
	bApp.SetPrepareProposal(prepareProposal(bApp.Mempool(), txConfig.TxEncoder()))
	bApp.SetVersion(version.Version)
	bApp.SetInterfaceRegistry(interfaceRegistry)
	bApp.SetTxEncoder(txConfig.TxEncoder())

	keys := storetypes.NewKVStoreKeys(
		authtypes.StoreKey, banktypes.StoreKey, stakingtypes.StoreKey, slashingtypes.StoreKey,
		evidencetypes.StoreKey, govtypes.StoreKey, consensustypes.StoreKey, upgradetypes.StoreKey,
		feegrant.StoreKey, authzkeeper.StoreKey, counciltypes.StoreKey, didtypes.StoreKey,
		trusttypes.StoreKey, statustypes.StoreKey,
	)
	// Transient stores of the identity modules: what the current block changed, reset at every
	// commit; each module's EndBlock turns it into that height's change journal entry.
	tkeys := storetypes.NewTransientStoreKeys(didtypes.TStoreKey, trusttypes.TStoreKey, statustypes.TStoreKey)
	if err := bApp.RegisterStreamingServices(appOpts, keys); err != nil {
		panic(err)
	}

	app := &App{
		BaseApp:           bApp,
		legacyAmino:       legacyAmino,
		appCodec:          appCodec,
		txConfig:          txConfig,
		interfaceRegistry: interfaceRegistry,
		keys:              keys,
	}
	govAuthority := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	accCodec := authcodec.NewBech32Codec(sdk.GetConfig().GetBech32AccountAddrPrefix())

	app.ConsensusKeeper = consensuskeeper.NewKeeper(appCodec,
		runtime.NewKVStoreService(keys[consensustypes.StoreKey]), govAuthority, runtime.EventService{})
	bApp.SetParamStore(app.ConsensusKeeper.ParamsStore)

	app.AccountKeeper = authkeeper.NewAccountKeeper(appCodec,
		runtime.NewKVStoreService(keys[authtypes.StoreKey]), authtypes.ProtoBaseAccount, maccPerms,
		accCodec, sdk.GetConfig().GetBech32AccountAddrPrefix(), govAuthority)

	app.BankKeeper = bankkeeper.NewBaseKeeper(appCodec,
		runtime.NewKVStoreService(keys[banktypes.StoreKey]), app.AccountKeeper, BlockedAddresses(),
		govAuthority, logger)

	app.StakingKeeper = stakingkeeper.NewKeeper(appCodec,
		runtime.NewKVStoreService(keys[stakingtypes.StoreKey]), app.AccountKeeper, app.BankKeeper,
		govAuthority,
		authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ValidatorAddrPrefix()),
		authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ConsensusAddrPrefix()))

	app.SlashingKeeper = slashingkeeper.NewKeeper(appCodec, legacyAmino,
		runtime.NewKVStoreService(keys[slashingtypes.StoreKey]), app.StakingKeeper, govAuthority)

	app.CouncilKeeper = councilkeeper.NewKeeper(appCodec,
		runtime.NewKVStoreService(keys[counciltypes.StoreKey]), app.AccountKeeper, app.BankKeeper, govAuthority)
	app.CouncilKeeper.SetValidatorKeepers(app.StakingKeeper, app.SlashingKeeper)

	// Admission is enforced inside staking, where every route (tx, authz, gov) ends.
	app.StakingKeeper.SetHooks(stakingtypes.NewMultiStakingHooks(
		app.CouncilKeeper.Hooks(),
		app.SlashingKeeper.Hooks(),
	))

	app.DidKeeper = didkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[didtypes.StoreKey]),
		runtime.NewTransientStoreService(tkeys[didtypes.TStoreKey]), accCodec)

	// The trust registry authorises by DID keys and makes accredited operators writers.
	app.TrustKeeper = trustkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[trusttypes.StoreKey]),
		runtime.NewTransientStoreService(tkeys[trusttypes.TStoreKey]), app.DidKeeper, app.CouncilKeeper)
	// ... and answers, for the council's ante handler, whether an operator's accreditation is in force.
	app.CouncilKeeper.SetTrustKeeper(app.TrustKeeper)

	// Status lists are changed by signatures of their owner DID's assertionMethod keys.
	app.StatusKeeper = statuskeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[statustypes.StoreKey]),
		runtime.NewTransientStoreService(tkeys[statustypes.TStoreKey]), accCodec, app.DidKeeper)

	app.FeeGrantKeeper = feegrantkeeper.NewKeeper(appCodec,
		runtime.NewKVStoreService(keys[feegrant.StoreKey]), app.AccountKeeper)

	app.AuthzKeeper = authzkeeper.NewKeeper(runtime.NewKVStoreService(keys[authzkeeper.StoreKey]),
		appCodec, app.MsgServiceRouter(), app.AccountKeeper)

	skipUpgradeHeights := map[int64]bool{}
	for _, h := range cast.ToIntSlice(appOpts.Get(server.FlagUnsafeSkipUpgrades)) {
		skipUpgradeHeights[int64(h)] = true
	}
	homePath := cast.ToString(appOpts.Get("home"))
	app.UpgradeKeeper = upgradekeeper.NewKeeper(skipUpgradeHeights,
		runtime.NewKVStoreService(keys[upgradetypes.StoreKey]), appCodec, homePath, app.BaseApp, govAuthority)

	// Council decisions are gov proposals; the tally counts every member agency, one vote each.
	govConfig := govtypes.DefaultConfig()
	app.GovKeeper = *govkeeper.NewKeeper(appCodec,
		runtime.NewKVStoreService(keys[govtypes.StoreKey]), app.AccountKeeper, app.BankKeeper,
		nil, app.MsgServiceRouter(), govConfig, govAuthority,
		councilkeeper.CouncilTally(app.CouncilKeeper))

	app.EvidenceKeeper = *evidencekeeper.NewKeeper(appCodec,
		runtime.NewKVStoreService(keys[evidencetypes.StoreKey]), app.StakingKeeper, app.SlashingKeeper,
		accCodec, runtime.ProvideCometInfoService())

	app.ModuleManager = module.NewManager(
		genutil.NewAppModule(app.AccountKeeper, app.StakingKeeper, app, txConfig),
		auth.NewAppModule(appCodec, app.AccountKeeper, authsims.RandomGenesisAccounts),
		bank.NewAppModule(appCodec, app.BankKeeper, app.AccountKeeper),
		staking.NewAppModule(appCodec, app.StakingKeeper, app.AccountKeeper, app.BankKeeper),
		slashing.NewAppModule(appCodec, app.SlashingKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, interfaceRegistry),
		evidence.NewAppModule(app.EvidenceKeeper),
		gov.NewAppModule(appCodec, &app.GovKeeper, app.AccountKeeper, app.BankKeeper),
		consensus.NewAppModule(appCodec, app.ConsensusKeeper),
		upgrade.NewAppModule(app.UpgradeKeeper, app.AccountKeeper.AddressCodec()),
		feegrantmodule.NewAppModule(appCodec, app.AccountKeeper, app.BankKeeper, app.FeeGrantKeeper, interfaceRegistry),
		authzmodule.NewAppModule(appCodec, app.AuthzKeeper, app.AccountKeeper, app.BankKeeper, interfaceRegistry),
		council.NewAppModule(appCodec, app.CouncilKeeper),
		did.NewAppModule(appCodec, app.DidKeeper),
		trust.NewAppModule(appCodec, app.TrustKeeper),
		status.NewAppModule(appCodec, app.StatusKeeper),
	)
	app.BasicModuleManager = module.NewBasicManagerFromManager(app.ModuleManager,
		map[string]module.AppModuleBasic{
			genutiltypes.ModuleName: genutil.NewAppModuleBasic(genutiltypes.DefaultMessageValidator),
			govtypes.ModuleName:     gov.NewAppModuleBasic([]govclient.ProposalHandler{}),
		})
	app.BasicModuleManager.RegisterLegacyAminoCodec(legacyAmino)
	app.BasicModuleManager.RegisterInterfaces(interfaceRegistry)
	if err := interfaceRegistry.SigningContext().Validate(); err != nil {
		panic(err)
	}

	app.ModuleManager.SetOrderPreBlockers(upgradetypes.ModuleName, authtypes.ModuleName)
	app.ModuleManager.SetOrderBeginBlockers(slashingtypes.ModuleName, evidencetypes.ModuleName,
		stakingtypes.ModuleName, authz.ModuleName, genutiltypes.ModuleName, counciltypes.ModuleName)
	// The identity modules end the block last: their EndBlock writes the block's change journal,
	// which must include changes made by council decisions that gov executes in its EndBlock.
	app.ModuleManager.SetOrderEndBlockers(banktypes.ModuleName, govtypes.ModuleName, stakingtypes.ModuleName,
		feegrant.ModuleName, authz.ModuleName, genutiltypes.ModuleName,
		didtypes.ModuleName, trusttypes.ModuleName, statustypes.ModuleName)
	// The council goes before genutil: the gentxs run through the ante handler and the staking
	// hooks, which only let admitted agencies bond.
	genesisOrder := []string{
		authtypes.ModuleName, banktypes.ModuleName, counciltypes.ModuleName, didtypes.ModuleName, trusttypes.ModuleName,
		statustypes.ModuleName, stakingtypes.ModuleName,
		slashingtypes.ModuleName, govtypes.ModuleName, genutiltypes.ModuleName, evidencetypes.ModuleName,
		authz.ModuleName, feegrant.ModuleName, upgradetypes.ModuleName, consensustypes.ModuleName,
	}
	app.ModuleManager.SetOrderInitGenesis(genesisOrder...)
	app.ModuleManager.SetOrderExportGenesis(genesisOrder...)

	app.configurator = module.NewConfigurator(appCodec, app.MsgServiceRouter(), app.GRPCQueryRouter())
	if err := app.ModuleManager.RegisterServices(app.configurator); err != nil {
		panic(err)
	}
	autocliv1.RegisterQueryServer(app.GRPCQueryRouter(), runtimeservices.NewAutoCLIQueryService(app.ModuleManager.Modules))

	app.sm = module.NewSimulationManagerFromAppModules(app.ModuleManager.Modules, map[string]module.AppModuleSimulation{
		authtypes.ModuleName: auth.NewAppModule(appCodec, app.AccountKeeper, authsims.RandomGenesisAccounts),
	})
	app.sm.RegisterStoreDecoders()

	app.MountKVStores(keys)
	app.MountTransientStores(tkeys)
	app.SetInitChainer(app.InitChainer)
	app.SetPreBlocker(app.PreBlocker)
	app.SetBeginBlocker(app.BeginBlocker)
	app.SetEndBlocker(app.EndBlocker)
	app.setAnteHandler()

	if loadLatest {
		if err := app.LoadLatestVersion(); err != nil {
			panic(fmt.Errorf("load latest version: %w", err))
		}
	}
	return app
}

// setAnteHandler chains the SDK's standard checks with the council's: every signer must be
// authorised to write, and only admitted agencies may stake; then, once the signatures are
// verified, revocation and suspension updates get mempool priority and each writer's gas is
// charged against its quota (docs/block-space.md).
func (app *App) setAnteHandler() {
	ak, bk := app.AccountKeeper, app.BankKeeper
	decorators := []sdk.AnteDecorator{
		ante.NewSetUpContextDecorator(),
		ante.NewExtensionOptionsDecorator(nil),
		ante.NewValidateBasicDecorator(),
		councilante.NewWriterDecorator(app.CouncilKeeper),
		councilante.NewAdmissionDecorator(app.CouncilKeeper),
		ante.NewTxTimeoutHeightDecorator(),
		ante.NewValidateMemoDecorator(ak),
		ante.NewConsumeGasForTxSizeDecorator(ak),
		ante.NewDeductFeeDecorator(ak, bk, app.FeeGrantKeeper, nil),
		ante.NewSetPubKeyDecorator(ak),
		ante.NewValidateSigCountDecorator(ak),
		ante.NewSigGasConsumeDecorator(ak, ante.DefaultSigVerificationGasConsumer),
		ante.NewSigVerificationDecorator(ak, app.txConfig.SignModeHandler()),
		ante.NewIncrementSequenceDecorator(ak),
		councilante.NewPriorityDecorator(isUrgent),
		councilante.NewQuotaDecorator(app.CouncilKeeper, isUrgent),
	}
	app.SetAnteHandler(sdk.ChainAnteDecorators(decorators...))
}

// PreBlocker runs the modules' pre-blockers (upgrade plans, auth params).
func (app *App) PreBlocker(ctx sdk.Context, _ *abci.RequestFinalizeBlock) (*sdk.ResponsePreBlock, error) {
	return app.ModuleManager.PreBlock(ctx)
}

// BeginBlocker runs the modules' begin-blockers.
func (app *App) BeginBlocker(ctx sdk.Context) (sdk.BeginBlock, error) {
	return app.ModuleManager.BeginBlock(ctx)
}

// EndBlocker runs the modules' end-blockers (staking returns the validator updates).
func (app *App) EndBlocker(ctx sdk.Context) (sdk.EndBlock, error) {
	return app.ModuleManager.EndBlock(ctx)
}

// GenesisState is the app state at genesis, keyed by module name.
type GenesisState map[string]json.RawMessage

// InitChainer validates the cross-module council rules, then initialises every module.
func (app *App) InitChainer(ctx sdk.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	var gs GenesisState
	if err := json.Unmarshal(req.AppStateBytes, &gs); err != nil {
		return nil, fmt.Errorf("app genesis: %w", err)
	}
	if err := counciltypes.ValidateAppGenesis(app.appCodec, app.txConfig.TxJSONDecoder(), gs); err != nil {
		return nil, fmt.Errorf("app genesis: %w", err)
	}
	if err := app.UpgradeKeeper.SetModuleVersionMap(ctx, app.ModuleManager.GetVersionMap()); err != nil {
		return nil, err
	}
	return app.ModuleManager.InitGenesis(ctx, app.appCodec, gs)
}

// LoadHeight loads the state at a height.
func (app *App) LoadHeight(height int64) error { return app.LoadVersion(height) }

// Name returns the app's name.
func (app *App) Name() string { return app.BaseApp.Name() }

// LegacyAmino returns the amino codec.
func (app *App) LegacyAmino() *codec.LegacyAmino { return app.legacyAmino }

// AppCodec returns the proto codec.
func (app *App) AppCodec() codec.Codec { return app.appCodec }

// InterfaceRegistry returns the interface registry.
func (app *App) InterfaceRegistry() codectypes.InterfaceRegistry { return app.interfaceRegistry }

// TxConfig returns the tx config.
func (app *App) TxConfig() client.TxConfig { return app.txConfig }

// SimulationManager returns the simulation manager.
func (app *App) SimulationManager() *module.SimulationManager { return app.sm }

// GetKey returns a store key (tests).
func (app *App) GetKey(name string) *storetypes.KVStoreKey { return app.keys[name] }

// DefaultGenesis returns the modules' default genesis with Amanah's choices applied.
func (app *App) DefaultGenesis() GenesisState {
	return DefaultGenesis(app.appCodec, app.BasicModuleManager)
}

// AutoCliOpts returns the autocli options for amanahd's tx and query commands.
func (app *App) AutoCliOpts() autocli.AppOptions {
	modules := make(map[string]appmodule.AppModule)
	for _, m := range app.ModuleManager.Modules {
		if named, ok := m.(module.HasName); ok {
			if am, ok := named.(appmodule.AppModule); ok {
				modules[named.Name()] = am
			}
		}
	}
	return autocli.AppOptions{
		Modules:               modules,
		ModuleOptions:         runtimeservices.ExtractAutoCLIOptions(app.ModuleManager.Modules),
		AddressCodec:          authcodec.NewBech32Codec(sdk.GetConfig().GetBech32AccountAddrPrefix()),
		ValidatorAddressCodec: authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ValidatorAddrPrefix()),
		ConsensusAddressCodec: authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ConsensusAddrPrefix()),
	}
}

// RegisterAPIRoutes serves the REST gateway routes.
func (app *App) RegisterAPIRoutes(apiSvr *api.Server, apiConfig config.APIConfig) {
	clientCtx := apiSvr.ClientCtx
	authtx.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	cmtservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	nodeservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	app.BasicModuleManager.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	// DID resolution at /1.0/identifiers/{did} (Universal Resolver driver shape).
	didrest.RegisterRoutes(apiSvr.Router, didtypes.NewQueryClient(clientCtx))
	// Status lists at /amanah/status/v1/lists/{id}?format=token|bitstring, the URL credentials
	// name in status.status_list.uri and credentialStatus.statusListCredential.
	statusrest.RegisterRoutes(apiSvr.Router, statustypes.NewQueryClient(clientCtx))
	// SD-JWT VC type metadata of every registered credential type, at its vct URL's path.
	trustrest.RegisterRoutes(apiSvr.Router, trusttypes.NewQueryClient(clientCtx))
	if err := server.RegisterSwaggerAPI(apiSvr.ClientCtx, apiSvr.Router, apiConfig.Swagger); err != nil {
		panic(err)
	}
}

// RegisterTxService serves the tx gRPC service.
func (app *App) RegisterTxService(clientCtx client.Context) {
	authtx.RegisterTxService(app.GRPCQueryRouter(), clientCtx, app.Simulate, app.interfaceRegistry)
}

// RegisterTendermintService serves the CometBFT gRPC service.
func (app *App) RegisterTendermintService(clientCtx client.Context) {
	cmtApp := server.NewCometABCIWrapper(app)
	cmtservice.RegisterTendermintService(clientCtx, app.GRPCQueryRouter(), app.interfaceRegistry, cmtApp.Query)
}

// RegisterNodeService serves the node gRPC service.
func (app *App) RegisterNodeService(clientCtx client.Context, cfg config.Config) {
	nodeservice.RegisterNodeService(clientCtx, app.GRPCQueryRouter(), cfg, func() int64 {
		return app.CommitMultiStore().EarliestVersion()
	})
}

// BlockedAddresses are the module accounts that may not receive coins by MsgSend.
func BlockedAddresses() map[string]bool {
	blocked := make(map[string]bool)
	for acc := range maccPerms {
		blocked[authtypes.NewModuleAddress(acc).String()] = true
	}
	delete(blocked, authtypes.NewModuleAddress(govtypes.ModuleName).String())
	return blocked
}
