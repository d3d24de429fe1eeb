package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/cmd/amanahd/cmd"
	counciltypes "github.com/amanah-id/amanah/x/council/types"
)

// TestRootCommandBuilds catches what only shows at start-up: flag clashes between module
// commands and autocli, and every module's tx and query commands present.
func TestRootCommandBuilds(t *testing.T) {
	root := cmd.NewRootCmd()
	for _, path := range [][]string{
		{"tx", "council"}, {"q", "council"}, {"tx", "did"}, {"q", "did"},
		{"tx", "trust"}, {"q", "trust"}, {"tx", "status"}, {"q", "status"},
		{"tx", "staking", "create-validator"}, {"genesis", "gentx"}, {"start"},
	} {
		c, rest, err := root.Find(path)
		if err != nil || len(rest) != 0 {
			t.Errorf("amanahd %s: not found (%v, rest %v)", strings.Join(path, " "), err, rest)
			continue
		}
		var out bytes.Buffer
		c.SetOut(&out)
		if err := c.Help(); err != nil {
			t.Errorf("amanahd %s --help: %v", strings.Join(path, " "), err)
		}
	}
}

// TestInitWritesAmanahDefaults checks `amanahd init`: one-second blocks and Amanah's
// genesis (bond denom not transferable, council governance, empty council).
func TestInitWritesAmanahDefaults(t *testing.T) {
	home := t.TempDir()
	root := cmd.NewRootCmd()
	root.SetArgs([]string{"init", "agency", "--chain-id", "amanah-test", "--home", home})
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	ctx := context.WithValue(context.Background(), client.ClientContextKey, &client.Context{})
	ctx = context.WithValue(ctx, server.ServerContextKey, server.NewDefaultContext())
	if err := root.ExecuteContext(ctx); err != nil {
		t.Fatalf("init: %v", err)
	}
	cfg, err := os.ReadFile(filepath.Join(home, "config", "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cfg), `timeout_commit = "1s"`) {
		t.Errorf("config.toml does not set one-second blocks")
	}
	// CometBFT's Prometheus metrics on, at the documented port (docs/monitoring.md).
	for _, want := range []string{"prometheus = true", `prometheus_listen_addr = ":` + strconv.Itoa(cmd.MetricsPort) + `"`, `namespace = "cometbft"`} {
		if !strings.Contains(string(cfg), "\n"+want+"\n") {
			t.Errorf("config.toml does not set %s", want)
		}
	}
	bz, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	var gen struct {
		AppState struct {
			Staking struct {
				Params struct {
					BondDenom string `json:"bond_denom"`
				} `json:"params"`
			} `json:"staking"`
			Bank struct {
				SendEnabled []struct {
					Denom   string `json:"denom"`
					Enabled bool   `json:"enabled"`
				} `json:"send_enabled"`
			} `json:"bank"`
			Gov struct {
				Params struct {
					Threshold string `json:"threshold"`
				} `json:"params"`
			} `json:"gov"`
			Council struct {
				Params struct {
					WriterGasQuota    string `json:"writer_gas_quota"`
					QuotaWindowBlocks string `json:"quota_window_blocks"`
				} `json:"params"`
			} `json:"council"`
		} `json:"app_state"`
		Consensus struct {
			Params struct {
				Block struct {
					MaxGas   string `json:"max_gas"`
					MaxBytes string `json:"max_bytes"`
				} `json:"block"`
			} `json:"params"`
		} `json:"consensus"`
	}
	if err := json.Unmarshal(bz, &gen); err != nil {
		t.Fatal(err)
	}
	if gen.AppState.Staking.Params.BondDenom != app.BondDenom {
		t.Errorf("bond denom %q", gen.AppState.Staking.Params.BondDenom)
	}
	if len(gen.AppState.Bank.SendEnabled) != 1 || gen.AppState.Bank.SendEnabled[0].Denom != app.BondDenom || gen.AppState.Bank.SendEnabled[0].Enabled {
		t.Errorf("bond denom transferable: %+v", gen.AppState.Bank.SendEnabled)
	}
	if gen.AppState.Gov.Params.Threshold != app.CouncilThreshold {
		t.Errorf("gov threshold %q", gen.AppState.Gov.Params.Threshold)
	}
	// Bounded blocks (docs/block-space.md), and the writer quota on.
	if b := gen.Consensus.Params.Block; b.MaxGas != strconv.FormatInt(app.DefaultBlockMaxGas, 10) || b.MaxBytes != strconv.FormatInt(app.DefaultBlockMaxBytes, 10) {
		t.Errorf("consensus block params max_gas %q max_bytes %q, want %d and %d", b.MaxGas, b.MaxBytes, app.DefaultBlockMaxGas, app.DefaultBlockMaxBytes)
	}
	if q := gen.AppState.Council.Params; q.WriterGasQuota != strconv.FormatUint(counciltypes.DefaultWriterGasQuota, 10) || q.QuotaWindowBlocks != strconv.FormatUint(counciltypes.DefaultQuotaWindowBlocks, 10) {
		t.Errorf("council quota params %+v", q)
	}
}

// TestInitEnablesSnapshots checks that `amanahd init` turns state-sync snapshots on in
// app.toml (every cmd.SnapshotInterval blocks, the newest cmd.SnapshotKeepRecent kept), so
// that every node can serve a joining node (docs/operations.md, "Joining").
func TestInitEnablesSnapshots(t *testing.T) {
	home := t.TempDir()
	root := cmd.NewRootCmd()
	root.SetArgs([]string{"init", "agency", "--chain-id", "amanah-test", "--home", home})
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	ctx := context.WithValue(context.Background(), client.ClientContextKey, &client.Context{})
	ctx = context.WithValue(ctx, server.ServerContextKey, server.NewDefaultContext())
	if err := root.ExecuteContext(ctx); err != nil {
		t.Fatalf("init: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(home, "config", "app.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		fmt.Sprintf("snapshot-interval = %d", cmd.SnapshotInterval),
		fmt.Sprintf("snapshot-keep-recent = %d", cmd.SnapshotKeepRecent),
	} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("app.toml does not contain %q", want)
		}
	}
	if cmd.SnapshotInterval == 0 {
		t.Error("snapshots are off")
	}
}
