package benchnet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Settings states the block and mempool settings the network runs with, read from the chain
// (consensus params: block max_gas, max_bytes) and node 0's config.toml ([consensus]
// timeout_commit, [mempool] type, size, max_txs_bytes) and app.toml ([mempool] max-txs), e.g. "4 validators; block max_gas
// 200000000, max_bytes 4194304, timeout_commit 1s; mempool flood, size 5000 txs, max_txs_bytes
// 1073741824".
func (n *Net) Settings(ctx context.Context) (string, error) {
	var cp struct {
		ConsensusParams struct {
			Block struct {
				MaxBytes string `json:"max_bytes"`
				MaxGas   string `json:"max_gas"`
			} `json:"block"`
		} `json:"consensus_params"`
	}
	if err := n.Chain.RPC.Call(ctx, "consensus_params", map[string]any{}, &cp); err != nil {
		return "", fmt.Errorf("consensus_params: %w", err)
	}
	raw, err := os.ReadFile(filepath.Join(n.Home, "config", "config.toml"))
	if err != nil {
		return "", err
	}
	cfg := tomlValues(string(raw))
	appRaw, err := os.ReadFile(filepath.Join(n.Home, "config", "app.toml"))
	if err != nil {
		return "", err
	}
	app := tomlValues(string(appRaw))
	return fmt.Sprintf("%d validators; block max_gas %s, max_bytes %s, timeout_commit %s; CometBFT mempool %s, size %s txs, max_txs_bytes %s; "+
		"app mempool max-txs %s (0 or less: the app's default, docs/block-space.md)",
		len(n.Nodes), cp.ConsensusParams.Block.MaxGas, cp.ConsensusParams.Block.MaxBytes, cfg["consensus.timeout_commit"],
		cfg["mempool.type"], cfg["mempool.size"], cfg["mempool.max_txs_bytes"], app["mempool.max-txs"]), nil
}

// tomlValues reads the "key = value" lines of a flat TOML file as section.key -> value
// (quotes removed); enough for CometBFT's config.toml.
func tomlValues(text string) map[string]string {
	out := map[string]string{}
	section := ""
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[] ")
		case line == "", strings.HasPrefix(line, "#"):
		default:
			k, v, ok := strings.Cut(line, "=")
			if ok {
				out[section+"."+strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
			}
		}
	}
	return out
}
