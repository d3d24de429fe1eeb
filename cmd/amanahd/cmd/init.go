package cmd

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutilcli "github.com/cosmos/cosmos-sdk/x/genutil/client/cli"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/app"
)

// BlockTime is the CometBFT timeout_commit amanahd writes on init.
const BlockTime = time.Second

// initCmd is the SDK's init with Amanah's genesis defaults (non-transferable bond denom,
// council governance, bounded blocks) and one-second blocks written into config.toml. The SDK raises an
// untouched timeout_commit to 5 s when it first writes config.toml, so init sets it after.
func initCmd(cdc codec.JSONCodec, basics module.BasicManager) *cobra.Command {
	defaults := app.DefaultGenesis(cdc, basics)
	withDefaults := module.BasicManager{}
	for name, b := range basics {
		withDefaults[name] = defaultGenesisOf{AppModuleBasic: b, genesis: defaults[name]}
	}
	cmd := genutilcli.InitCmd(withDefaults, app.DefaultNodeHome)
	cmd.PostRunE = func(cmd *cobra.Command, _ []string) error {
		cfg := server.GetServerContextFromCmd(cmd).Config
		cfg.Consensus.TimeoutCommit = BlockTime
		cmtcfg.WriteConfigFile(filepath.Join(cfg.RootDir, "config", "config.toml"), cfg)
		return boundBlocks(cfg.GenesisFile())
	}
	return cmd
}

// boundBlocks writes Amanah's block limits into the genesis consensus params (CometBFT's
// defaults are no gas limit and ~53 MiB blocks); docs/block-space.md derives them.
func boundBlocks(genFile string) error {
	g, err := genutiltypes.AppGenesisFromFile(genFile)
	if err != nil {
		return fmt.Errorf("read genesis: %w", err)
	}
	if g.Consensus == nil || g.Consensus.Params == nil {
		return fmt.Errorf("genesis %s has no consensus params", genFile)
	}
	g.Consensus.Params.Block.MaxGas = app.DefaultBlockMaxGas
	g.Consensus.Params.Block.MaxBytes = app.DefaultBlockMaxBytes
	if err := g.Consensus.Params.ValidateBasic(); err != nil {
		return fmt.Errorf("genesis consensus params: %w", err)
	}
	return genutil.ExportGenesisFile(g, genFile)
}

// defaultGenesisOf gives a module basic Amanah's default genesis.
type defaultGenesisOf struct {
	module.AppModuleBasic
	genesis json.RawMessage
}

// DefaultGenesis returns Amanah's default genesis for the module.
func (d defaultGenesisOf) DefaultGenesis(codec.JSONCodec) json.RawMessage { return d.genesis }

// ValidateGenesis forwards to the module.
func (d defaultGenesisOf) ValidateGenesis(cdc codec.JSONCodec, txCfg client.TxEncodingConfig, bz json.RawMessage) error {
	if v, ok := d.AppModuleBasic.(module.HasGenesisBasics); ok {
		return v.ValidateGenesis(cdc, txCfg, bz)
	}
	return nil
}
