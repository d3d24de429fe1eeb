package localnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// JoinOptions says how AddNode's new node joins a running network.
type JoinOptions struct {
	// KeyName, if set, creates an account key of that name in the node's test keyring: an agency
	// that will ask the council for admission and then run a validator. Empty: an observer
	// (a bank's node), with no account and no consensus role.
	KeyName string
	// Name is the agency's council name (with KeyName).
	Name string
	// RPCServers are the nodes whose RPC the state sync's light client reads (CometBFT wants two:
	// a primary and a witness).
	RPCServers []int
	// TrustHeight is the height the new node trusts; its hash is read from RPCServers[0] (an
	// operator reads it from a node it trusts, or the council publishes it). The node restores
	// a snapshot taken at or after it. 0: no state sync (the node replays from genesis).
	TrustHeight int64
	// TrustPeriod is the state sync's light client trusting period; default 168h.
	TrustPeriod string
}

// AddNode creates the home of a new node for a running network, node<len(Nodes)>, with the
// commands an operator runs (init, keys add, the network's genesis copied, peers set) and,
// when o.TrustHeight > 0, state sync on (config.toml [statesync]); it does not start it. The
// node's ports are the network's base ports plus 10 per index, so the base ports must be free
// for the extra nodes (FreeBasePorts(n) with n counting them). Added nodes are not recorded in
// localnet.json (Load sees the original network).
func (n *Net) AddNode(ctx context.Context, o JoinOptions) (*Node, error) {
	i := len(n.Nodes)
	nd := &Node{
		Index: i,
		Home:  filepath.Join(n.Config.Dir, fmt.Sprintf("node%d", i)),
		Ports: n.Config.portsOf(i),
		Agency: Agency{
			Index: i, KeyName: o.KeyName, Name: o.Name,
		},
	}
	if _, err := n.run(ctx, "init", fmt.Sprintf("node%d", i), "--chain-id", n.Config.ChainID, "--home", nd.Home); err != nil {
		return nil, err
	}
	if o.KeyName != "" {
		out, err := n.run(ctx, "keys", "add", o.KeyName, "--keyring-backend", "test", "--home", nd.Home, "--output", "json")
		if err != nil {
			return nil, err
		}
		var key struct {
			Address  string `json:"address"`
			Mnemonic string `json:"mnemonic"`
		}
		if err := json.Unmarshal(lastJSONObject(out), &key); err != nil || key.Address == "" {
			return nil, fmt.Errorf("localnet: keys add output %q: %v", truncate(out, 300), err)
		}
		nd.Agency.Address, nd.Agency.Mnemonic = key.Address, key.Mnemonic
	}
	id, err := n.run(ctx, "comet", "show-node-id", "--home", nd.Home)
	if err != nil {
		return nil, err
	}
	nd.NodeID = strings.TrimSpace(string(id))
	genesis := func(x *Node) string { return filepath.Join(x.Home, "config", "genesis.json") }
	if err := copyFile(genesis(n.Nodes[0]), genesis(nd)); err != nil {
		return nil, err
	}
	n.Nodes = append(n.Nodes, nd)
	if err := n.configure(nd); err != nil {
		return nil, err
	}
	if o.TrustHeight <= 0 {
		return nd, nil
	}
	if len(o.RPCServers) < 2 {
		return nil, errors.New("localnet: state sync needs two RPC servers (primary and witness)")
	}
	var servers []string
	for _, s := range o.RPCServers {
		servers = append(servers, n.Nodes[s].RPCURL())
	}
	hash, err := n.BlockHash(ctx, o.RPCServers[0], o.TrustHeight)
	if err != nil {
		return nil, fmt.Errorf("localnet: trust hash at %d: %w", o.TrustHeight, err)
	}
	period := o.TrustPeriod
	if period == "" {
		period = "168h0m0s"
	}
	return nd, editTOML(filepath.Join(nd.Home, "config", "config.toml"), []tomlEdit{
		{"statesync", "enable", "true"},
		{"statesync", "rpc_servers", tomlString(strings.Join(servers, ","))},
		{"statesync", "trust_height", strconv.FormatInt(o.TrustHeight, 10)},
		{"statesync", "trust_hash", tomlString(hash)},
		{"statesync", "trust_period", tomlString(period)},
		{"statesync", "discovery_time", tomlString("5s")},
	})
}

// SetBinary makes node i run bin from its next start (a software upgrade's new binary).
func (n *Net) SetBinary(i int, bin string) {
	nd := n.Nodes[i]
	nd.mu.Lock()
	defer nd.mu.Unlock()
	nd.Binary = bin
}

// Validator is one entry of CometBFT's validator set.
type Validator struct {
	Address string // hex consensus address
	PubKey  string // base64 Ed25519 key
	Power   int64
}

// Validators returns the validator set at height (0: latest) as node i's RPC reports it.
func (n *Net) Validators(ctx context.Context, i int, height int64) ([]Validator, error) {
	params := map[string]any{"per_page": "100"}
	if height > 0 {
		params["height"] = strconv.FormatInt(height, 10)
	}
	var res struct {
		Validators []struct {
			Address string `json:"address"`
			PubKey  struct {
				Value string `json:"value"`
			} `json:"pub_key"`
			VotingPower string `json:"voting_power"`
		} `json:"validators"`
	}
	if err := n.Nodes[i].RPC().Call(ctx, "validators", params, &res); err != nil {
		return nil, err
	}
	out := make([]Validator, 0, len(res.Validators))
	for _, v := range res.Validators {
		p, err := strconv.ParseInt(v.VotingPower, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("validators: power %q: %w", v.VotingPower, err)
		}
		out = append(out, Validator{Address: v.Address, PubKey: v.PubKey.Value, Power: p})
	}
	return out, nil
}

// CommitSigners returns the consensus addresses (hex) whose precommits for block height are in
// that block's commit, as node i's RPC reports it.
func (n *Net) CommitSigners(ctx context.Context, i int, height int64) ([]string, error) {
	var res struct {
		SignedHeader struct {
			Commit struct {
				Signatures []struct {
					Flag    int    `json:"block_id_flag"`
					Address string `json:"validator_address"`
				} `json:"signatures"`
			} `json:"commit"`
		} `json:"signed_header"`
	}
	if err := n.Nodes[i].RPC().Call(ctx, "commit", map[string]any{"height": strconv.FormatInt(height, 10)}, &res); err != nil {
		return nil, err
	}
	var out []string
	for _, s := range res.SignedHeader.Commit.Signatures {
		if s.Flag == 2 { // BlockIDFlagCommit
			out = append(out, s.Address)
		}
	}
	return out, nil
}

// ConsensusPubKey returns node i's consensus public key as `amanahd comet show-validator`
// prints it: its type URL and base64 key.
func (n *Net) ConsensusPubKey(ctx context.Context, i int) (typeURL, key string, err error) {
	return n.ConsensusPubKeyIn(ctx, n.Nodes[i].Home)
}

// ConsensusPubKeyIn is ConsensusPubKey for the home at dir (e.g. a scratch home in which a new
// consensus key was generated for a rotation).
func (n *Net) ConsensusPubKeyIn(ctx context.Context, dir string) (typeURL, key string, err error) {
	out, err := n.run(ctx, "comet", "show-validator", "--home", dir)
	if err != nil {
		return "", "", err
	}
	var pk struct {
		Type string `json:"@type"`
		Key  string `json:"key"`
	}
	if err := json.Unmarshal(lastJSONObject(out), &pk); err != nil {
		return "", "", fmt.Errorf("localnet: show-validator %q: %w", truncate(out, 200), err)
	}
	return pk.Type, pk.Key, nil
}

// Run runs the network's amanahd with args (bounded by ctx and a minute) and returns stdout:
// the operator commands the tests run (e.g. `comet show-validator`).
func (n *Net) Run(ctx context.Context, args ...string) ([]byte, error) { return n.run(ctx, args...) }
