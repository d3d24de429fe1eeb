package localnet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Init creates the homes <Dir>/node<i> of a new network with amanahd's own commands (init,
// keys add, genesis add-genesis-account, gentx, collect-gentxs, validate), applies the council
// genesis and the local settings (ports, block time, peers), and records the network in
// <Dir>/localnet.json. It does not start the nodes. Dir must not hold a network already.
func Init(ctx context.Context, cfg Config) (*Net, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(cfg.Dir, stateFile)); err == nil {
		return nil, fmt.Errorf("localnet: %s already holds a network (remove it first)", cfg.Dir)
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, err
	}
	n := cfg.newNet()

	// 1. Homes and agency keys, in parallel (each call runs the binary).
	if err := n.eachNode(func(nd *Node) error {
		if _, err := n.run(ctx, "init", fmt.Sprintf("node%d", nd.Index), "--chain-id", cfg.ChainID, "--home", nd.Home); err != nil {
			return err
		}
		out, err := n.run(ctx, "keys", "add", nd.Agency.KeyName, "--keyring-backend", "test", "--home", nd.Home, "--output", "json")
		if err != nil {
			return err
		}
		var key struct {
			Address  string `json:"address"`
			Mnemonic string `json:"mnemonic"`
		}
		if err := json.Unmarshal(lastJSONObject(out), &key); err != nil || key.Address == "" {
			return fmt.Errorf("localnet: keys add output %q: %v", truncate(out, 300), err)
		}
		nd.Agency.Address, nd.Agency.Mnemonic = key.Address, key.Mnemonic
		id, err := n.run(ctx, "comet", "show-node-id", "--home", nd.Home)
		if err != nil {
			return err
		}
		nd.NodeID = strings.TrimSpace(string(id))
		return nil
	}); err != nil {
		return nil, err
	}

	// 2. Genesis accounts on node0: the bond, a gov deposit allowance and a transferable test
	// balance for every agency.
	n0 := n.Nodes[0]
	coins := fmt.Sprintf("%d%s,%d%s", DefaultBondAmount+DepositAllowance, BondDenom, TestDenomAmount, TestDenom)
	for _, nd := range n.Nodes {
		if _, err := n.run(ctx, "genesis", "add-genesis-account", nd.Agency.Address, coins, "--home", n0.Home); err != nil {
			return nil, err
		}
	}

	// 3. Council, denoms, gov and block limits, then the same genesis in every home.
	genesisPath := func(nd *Node) string { return filepath.Join(nd.Home, "config", "genesis.json") }
	if err := editGenesisFile(genesisPath(n0), func(g map[string]any) error { return n.editGenesis(g) }); err != nil {
		return nil, err
	}
	for _, nd := range n.Nodes[1:] {
		if err := copyFile(genesisPath(n0), genesisPath(nd)); err != nil {
			return nil, err
		}
	}

	// 4. Each agency's gentx bonds exactly the council bond; node0 collects them.
	gentxDir := filepath.Join(n0.Home, "config", "gentx")
	if err := n.eachNode(func(nd *Node) error {
		out := filepath.Join(nd.Home, "config", fmt.Sprintf("gentx-node%d.json", nd.Index))
		_, err := n.run(ctx, "genesis", "gentx", nd.Agency.KeyName, fmt.Sprintf("%d%s", DefaultBondAmount, BondDenom),
			"--chain-id", cfg.ChainID, "--keyring-backend", "test", "--home", nd.Home,
			"--moniker", fmt.Sprintf("node%d", nd.Index), "--ip", "127.0.0.1", "--p2p-port", strconv.Itoa(nd.Ports.P2P), "--output-document", out)
		return err
	}); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(gentxDir, 0o700); err != nil {
		return nil, err
	}
	for _, nd := range n.Nodes {
		name := fmt.Sprintf("gentx-node%d.json", nd.Index)
		if err := copyFile(filepath.Join(nd.Home, "config", name), filepath.Join(gentxDir, name)); err != nil {
			return nil, err
		}
	}
	if _, err := n.run(ctx, "genesis", "collect-gentxs", "--gentx-dir", gentxDir, "--home", n0.Home); err != nil {
		return nil, err
	}
	if _, err := n.run(ctx, "genesis", "validate", genesisPath(n0), "--home", n0.Home); err != nil {
		return nil, err
	}
	for _, nd := range n.Nodes[1:] {
		if err := copyFile(genesisPath(n0), genesisPath(nd)); err != nil {
			return nil, err
		}
	}

	// 5. config.toml and app.toml.
	for _, nd := range n.Nodes {
		if err := n.configure(nd); err != nil {
			return nil, err
		}
	}
	if err := n.save(); err != nil {
		return nil, err
	}
	return n, nil
}

func (n *Net) eachNode(f func(nd *Node) error) error {
	errs := make([]error, len(n.Nodes))
	var wg sync.WaitGroup
	for i, nd := range n.Nodes {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f(nd) }()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// editGenesis applies the council and local-network settings to a decoded genesis file.
func (n *Net) editGenesis(g map[string]any) error {
	app, err := obj(g, "app_state")
	if err != nil {
		return err
	}
	// Council: every agency is a member; they bond the default bond.
	council, err := obj(app, "council")
	if err != nil {
		return err
	}
	members := make([]any, 0, len(n.Nodes))
	for _, nd := range n.Nodes {
		members = append(members, map[string]any{"address": nd.Agency.Address, "name": nd.Agency.Name, "admitted_height": "0"})
	}
	council["members"] = members
	if _, ok := council["writers"]; !ok {
		council["writers"] = []any{}
	}
	if params, err := obj(council, "params"); err == nil {
		params["bond_amount"] = strconv.FormatInt(DefaultBondAmount, 10)
	}

	// Staking: the bond denom, no key rotation fee in another denom.
	staking, err := obj(app, "staking", "params")
	if err != nil {
		return err
	}
	staking["bond_denom"] = BondDenom
	// The fee must be positive and in the bond denom; agencies hold DepositAllowance for it.
	staking["key_rotation_fee"] = coin(BondDenom, 1000)

	// Bank: the bond denom is not transferable.
	bank, err := obj(app, "bank")
	if err != nil {
		return err
	}
	se, _ := bank["send_enabled"].([]any)
	found := false
	for _, e := range se {
		if m, ok := e.(map[string]any); ok && m["denom"] == BondDenom {
			m["enabled"], found = false, true
		}
	}
	if !found {
		se = append(se, map[string]any{"denom": BondDenom, "enabled": false})
	}
	bank["send_enabled"] = se

	// Gov: the council's rules (app.SetCouncilGovParams) with a short voting period.
	gov, err := obj(app, "gov", "params")
	if err != nil {
		return err
	}
	vp := n.Config.VotingPeriod
	gov["voting_period"] = durationJSON(vp)
	gov["expedited_voting_period"] = durationJSON(vp / 4)
	gov["max_deposit_period"] = durationJSON(vp)
	gov["min_deposit"] = []any{coin(BondDenom, 1000)}
	gov["expedited_min_deposit"] = []any{coin(BondDenom, 2000)}
	gov["threshold"] = "0.666666666666666666"
	gov["expedited_threshold"] = "0.750000000000000000"
	gov["quorum"] = "0.500000000000000000"
	gov["min_initial_deposit_ratio"] = "0.000000000000000000"

	// Consensus: bounded blocks (zero gas price, so the gas limit is what bounds the work).
	block, err := obj(g, "consensus", "params", "block")
	if err != nil {
		return err
	}
	block["max_gas"] = "200000000" // app.DefaultBlockMaxGas, as amanahd init writes
	block["max_bytes"] = "4194304" // app.DefaultBlockMaxBytes
	if n.Config.BlockMaxGas > 0 {
		block["max_gas"] = strconv.FormatInt(n.Config.BlockMaxGas, 10)
	}

	if n.Config.EditGenesis != nil {
		return n.Config.EditGenesis(app)
	}
	return nil
}

// configure writes the node's ports, peers and block time.
func (n *Net) configure(nd *Node) error {
	var peers []string
	for _, o := range n.Nodes {
		if o != nd {
			peers = append(peers, fmt.Sprintf("%s@127.0.0.1:%d", o.NodeID, o.Ports.P2P))
		}
	}
	pprof := ""
	if nd.Ports.PProf != 0 {
		pprof = fmt.Sprintf("127.0.0.1:%d", nd.Ports.PProf)
	}
	// CometBFT metrics (amanahd init turns them on) at the node's own port, or off.
	prom, promAddr := "false", fmt.Sprintf("127.0.0.1:%d", nd.Ports.ABCI+2)
	if nd.Ports.Prometheus != 0 {
		prom, promAddr = "true", fmt.Sprintf("127.0.0.1:%d", nd.Ports.Prometheus)
	}
	bt := n.Config.BlockTime.String()
	cfgDir := filepath.Join(nd.Home, "config")
	if err := editTOML(filepath.Join(cfgDir, "config.toml"), []tomlEdit{
		{"", "proxy_app", tomlString(fmt.Sprintf("tcp://127.0.0.1:%d", nd.Ports.ABCI))},
		{"rpc", "laddr", tomlString(fmt.Sprintf("tcp://127.0.0.1:%d", nd.Ports.RPC))},
		{"rpc", "pprof_laddr", tomlString(pprof)},
		{"p2p", "laddr", tomlString(fmt.Sprintf("tcp://127.0.0.1:%d", nd.Ports.P2P))},
		{"p2p", "external_address", tomlString(fmt.Sprintf("127.0.0.1:%d", nd.Ports.P2P))},
		{"p2p", "persistent_peers", tomlString(strings.Join(peers, ","))},
		{"p2p", "persistent_peers_max_dial_period", tomlString("1s")},
		{"p2p", "addr_book_strict", "false"},
		{"p2p", "allow_duplicate_ip", "true"},
		{"p2p", "pex", "false"},
		{"consensus", "timeout_commit", tomlString(bt)},
		{"instrumentation", "prometheus", prom},
		{"instrumentation", "prometheus_listen_addr", tomlString(promAddr)},
	}); err != nil {
		return err
	}
	appEdits := []tomlEdit{
		{"", "minimum-gas-prices", tomlString("0" + BondDenom)},
		{"api", "enable", "true"},
		{"api", "address", tomlString(fmt.Sprintf("tcp://127.0.0.1:%d", nd.Ports.REST))},
		{"api", "enabled-unsafe-cors", "true"},
		{"grpc", "enable", "true"},
		{"grpc", "address", tomlString(fmt.Sprintf("127.0.0.1:%d", nd.Ports.GRPC))},
	}
	if n.Config.SnapshotInterval > 0 {
		appEdits = append(appEdits, tomlEdit{"state-sync", "snapshot-interval", strconv.FormatUint(n.Config.SnapshotInterval, 10)})
	}
	return editTOML(filepath.Join(cfgDir, "app.toml"), appEdits)
}

// WriterQuota returns a Config.EditGenesis that sets the council's writer gas quota (gas per
// writer per window) and, when windowBlocks > 0, the window's length in blocks.
func WriterQuota(gas, windowBlocks uint64) func(appState map[string]any) error {
	return func(app map[string]any) error {
		params, err := obj(app, "council", "params")
		if err != nil {
			return err
		}
		params["writer_gas_quota"] = strconv.FormatUint(gas, 10)
		if windowBlocks > 0 {
			params["quota_window_blocks"] = strconv.FormatUint(windowBlocks, 10)
		}
		return nil
	}
}

func obj(m map[string]any, path ...string) (map[string]any, error) {
	cur := m
	for _, p := range path {
		next, ok := cur[p].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("localnet: genesis has no object %q", strings.Join(path, "."))
		}
		cur = next
	}
	return cur, nil
}

func coin(denom string, amount int64) map[string]any {
	return map[string]any{"denom": denom, "amount": strconv.FormatInt(amount, 10)}
}

func durationJSON(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s" }

// editGenesisFile decodes a genesis file (numbers kept exact), lets f change it, writes it back.
func editGenesisFile(path string, f func(map[string]any) error) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var g map[string]any
	if err := dec.Decode(&g); err != nil {
		return fmt.Errorf("localnet: %s: %w", path, err)
	}
	if err := f(g); err != nil {
		return err
	}
	out, err := json.MarshalIndent(g, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o600)
}

func copyFile(from, to string) error {
	raw, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, raw, 0o600)
}

// lastJSONObject returns the last line of out that looks like a JSON object (some commands
// print notices before their JSON).
func lastJSONObject(out []byte) []byte {
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	for i := len(lines) - 1; i >= 0; i-- {
		if l := bytes.TrimSpace(lines[i]); bytes.HasPrefix(l, []byte("{")) {
			return l
		}
	}
	return bytes.TrimSpace(out)
}
