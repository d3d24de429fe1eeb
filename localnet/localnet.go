// Package localnet runs real multi-process Amanah networks on loopback: it creates N validator
// homes with amanahd's own commands (init, keys, genesis), starts, stops, kills, pauses and
// resumes the node processes, and watches them through CometBFT RPC. Every wait is bounded in
// time and every address is 127.0.0.1.
package localnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Defaults of a local network.
const (
	// DefaultChainID is the local network's chain id.
	DefaultChainID = "amanah-local"
	// MaxNodes is the largest network Init builds.
	MaxNodes = 4
	// BondDenom is the council's non-transferable bond denom (app.BondDenom).
	BondDenom = "ubond"
	// TestDenom is a transferable denom every agency holds at genesis, for test transactions.
	TestDenom = "uamn"
	// DefaultBondAmount is the council bond each agency stakes (x/council default).
	DefaultBondAmount int64 = 100_000_000
	// DepositAllowance is the extra bond denom each agency holds for gov deposits.
	DepositAllowance int64 = 1_000_000
	// TestDenomAmount is each agency's genesis balance of TestDenom.
	TestDenomAmount int64 = 1_000_000_000
	// StopTimeout is how long Stop waits after SIGTERM before it sends SIGKILL.
	StopTimeout = 15 * time.Second
	// stateFile records a network's config in its directory, for later commands (down, status).
	stateFile = "localnet.json"
)

// Ports are the base ports of node 0; node i adds 10*i to each. Prometheus is CometBFT's
// metrics listener (0: metrics off).
type Ports struct {
	P2P, RPC, GRPC, REST, ABCI, PProf, Prometheus int
}

// DefaultPorts are the ports the operations guide documents (Prometheus: amanahd init's
// default, docs/monitoring.md).
var DefaultPorts = Ports{P2P: 26656, RPC: 26657, GRPC: 9090, REST: 1317, ABCI: 26658, PProf: 0, Prometheus: 26660}

// Config describes a local network.
type Config struct {
	// Binary is the amanahd executable.
	Binary string `json:"binary"`
	// Dir holds the node homes <Dir>/node<i>.
	Dir string `json:"dir"`
	// N is the number of validators, 1 to 4.
	N int `json:"n"`
	// ChainID defaults to DefaultChainID.
	ChainID string `json:"chain_id"`
	// BasePorts defaults to DefaultPorts (PProf 0 turns pprof off).
	BasePorts Ports `json:"base_ports"`
	// BlockTime is CometBFT's timeout_commit; defaults to 1s.
	BlockTime time.Duration `json:"block_time"`
	// VotingPeriod is the gov voting period; defaults to 20s.
	VotingPeriod time.Duration `json:"voting_period"`
	// BlockMaxGas, if positive, replaces the genesis block gas limit (consensus params
	// block.max_gas); 0 keeps amanahd's default.
	BlockMaxGas int64 `json:"block_max_gas,omitempty"`
	// SnapshotInterval, if positive, replaces amanahd init's state-sync snapshot interval
	// (app.toml state-sync.snapshot-interval), so a test need not wait 1,000 blocks for a
	// snapshot to join from; 0 keeps amanahd's default.
	SnapshotInterval uint64 `json:"snapshot_interval,omitempty"`
	// EditGenesis, if set, may change the app state (module name -> JSON) before the gentxs.
	EditGenesis func(appState map[string]any) error `json:"-"`
}

// Agency is one validator's operator account, named "Agency <i>" in the council.
type Agency struct {
	// Index is the node index i.
	Index int `json:"index"`
	// KeyName is agency<i>, in <Dir>/node<i>'s test keyring.
	KeyName string `json:"key_name"`
	// Name is the council member name.
	Name string `json:"name"`
	// Address is the bech32 account address.
	Address string `json:"address"`
	// Mnemonic restores the key.
	Mnemonic string `json:"mnemonic"`
}

// Node is one validator process of a network.
type Node struct {
	Index  int
	Home   string
	Agency Agency
	Ports  Ports
	NodeID string
	// Binary, if set, is the amanahd this node runs instead of Config.Binary (SetBinary: a
	// software upgrade switches binaries node by node).
	Binary string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has been waited for
}

// RPCURL returns the node's CometBFT RPC address.
func (n *Node) RPCURL() string { return fmt.Sprintf("http://127.0.0.1:%d", n.Ports.RPC) }

// RESTURL returns the node's REST (API) address.
func (n *Node) RESTURL() string { return fmt.Sprintf("http://127.0.0.1:%d", n.Ports.REST) }

// GRPCAddr returns the node's gRPC address.
func (n *Node) GRPCAddr() string { return fmt.Sprintf("127.0.0.1:%d", n.Ports.GRPC) }

// RPC returns a client for the node's CometBFT RPC.
func (n *Node) RPC() RPC { return RPC{URL: n.RPCURL()} }

// PIDFile returns <home>/pid.
func (n *Node) PIDFile() string { return filepath.Join(n.Home, "pid") }

// MetricsURL returns the node's CometBFT Prometheus metrics URL ("" when metrics are off).
func (n *Node) MetricsURL() string {
	if n.Ports.Prometheus == 0 {
		return ""
	}
	return fmt.Sprintf("http://127.0.0.1:%d/metrics", n.Ports.Prometheus)
}

// LogFile returns <home>/log.
func (n *Node) LogFile() string { return filepath.Join(n.Home, "log") }

// Net is a local network.
type Net struct {
	Config Config
	Nodes  []*Node
}

func (c *Config) setDefaults() error {
	if c.Binary == "" || c.Dir == "" {
		return errors.New("localnet: Binary and Dir are required")
	}
	if c.N < 1 || c.N > MaxNodes {
		return fmt.Errorf("localnet: N must be 1..%d, got %d", MaxNodes, c.N)
	}
	if c.ChainID == "" {
		c.ChainID = DefaultChainID
	}
	if c.BasePorts == (Ports{}) {
		c.BasePorts = DefaultPorts
	}
	if c.BlockTime == 0 {
		c.BlockTime = time.Second
	}
	if c.VotingPeriod == 0 {
		c.VotingPeriod = 20 * time.Second
	}
	var err error
	if c.Binary, err = filepath.Abs(c.Binary); err != nil {
		return err
	}
	c.Dir, err = filepath.Abs(c.Dir)
	return err
}

func (c Config) portsOf(i int) Ports {
	p, d := c.BasePorts, 10*i
	pp := Ports{P2P: p.P2P + d, RPC: p.RPC + d, GRPC: p.GRPC + d, REST: p.REST + d, ABCI: p.ABCI + d}
	if p.PProf != 0 {
		pp.PProf = p.PProf + d
	}
	if p.Prometheus != 0 {
		pp.Prometheus = p.Prometheus + d
	}
	return pp
}

func (c Config) newNet() *Net {
	n := &Net{Config: c}
	for i := 0; i < c.N; i++ {
		n.Nodes = append(n.Nodes, &Node{
			Index: i,
			Home:  filepath.Join(c.Dir, fmt.Sprintf("node%d", i)),
			Ports: c.portsOf(i),
			Agency: Agency{
				Index: i, KeyName: fmt.Sprintf("agency%d", i), Name: fmt.Sprintf("Agency %d", i),
			},
		})
	}
	return n
}

// savedState is what <Dir>/localnet.json records.
type savedState struct {
	Config   Config   `json:"config"`
	Agencies []Agency `json:"agencies"`
	NodeIDs  []string `json:"node_ids"`
}

// Load opens a network that Init created in dir (for example from another process).
func Load(dir string) (*Net, error) {
	raw, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, fmt.Errorf("localnet: no network in %s: %w", dir, err)
	}
	var st savedState
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("localnet: %s: %w", stateFile, err)
	}
	if err := st.Config.setDefaults(); err != nil {
		return nil, err
	}
	n := st.Config.newNet()
	for i, nd := range n.Nodes {
		if i < len(st.Agencies) {
			nd.Agency = st.Agencies[i]
		}
		if i < len(st.NodeIDs) {
			nd.NodeID = st.NodeIDs[i]
		}
	}
	return n, nil
}

func (n *Net) save() error {
	st := savedState{Config: n.Config}
	for _, nd := range n.Nodes {
		st.Agencies = append(st.Agencies, nd.Agency)
		st.NodeIDs = append(st.NodeIDs, nd.NodeID)
	}
	raw, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(n.Config.Dir, stateFile), raw, 0o600)
}

// Node returns node i or panics if there is none.
func (n *Net) Node(i int) *Node { return n.Nodes[i] }

// Agencies returns the agencies in node order.
func (n *Net) Agencies() []Agency {
	out := make([]Agency, len(n.Nodes))
	for i, nd := range n.Nodes {
		out[i] = nd.Agency
	}
	return out
}

// run executes the binary with args, bounded by ctx and a one-minute cap, and returns stdout.
func (n *Net) run(ctx context.Context, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, n.Config.Binary, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := stderr.String()
		if len(msg) > 1500 {
			msg = "..." + msg[len(msg)-1500:]
		}
		return out, fmt.Errorf("amanahd %s: %w: %s", strings.Join(args, " "), err, msg)
	}
	return out, nil
}

// StartAll starts every node.
func (n *Net) StartAll() error {
	for i := range n.Nodes {
		if err := n.Start(i); err != nil {
			return err
		}
	}
	return nil
}

// StopAll stops every running node (SIGTERM, then SIGKILL after StopTimeout) in parallel.
func (n *Net) StopAll() error {
	errs := make([]error, len(n.Nodes))
	var wg sync.WaitGroup
	for i := range n.Nodes {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = n.Stop(i) }()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Start starts node i in the background; its output goes to <home>/log and its pid to
// <home>/pid. It fails if the node is already running or its RPC port answers.
func (n *Net) Start(i int) error {
	nd := n.Nodes[i]
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if pid, ok := nd.runningPID(); ok {
		return fmt.Errorf("localnet: node%d already running (pid %d)", i, pid)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	_, err := nd.RPC().Status(ctx)
	cancel()
	if err == nil {
		return fmt.Errorf("localnet: node%d: port %d already answers: is another network running?", i, nd.Ports.RPC)
	}
	logf, err := os.OpenFile(nd.LogFile(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	fmt.Fprintf(logf, "\n==== localnet: start %s ====\n", time.Now().UTC().Format(time.RFC3339Nano))
	bin := n.Config.Binary
	if nd.Binary != "" {
		bin = nd.Binary
	}
	cmd := exec.Command(bin, "start", "--home", nd.Home)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Own process group: a terminal's Ctrl-C or the parent's exit does not reach the node, and
	// `down` stops exactly this pid.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("localnet: start node%d: %w", i, err)
	}
	logf.Close()
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	nd.cmd, nd.done = cmd, done
	return os.WriteFile(nd.PIDFile(), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o600)
}

// runningPID returns the pid of the node's process if it is alive: a child of this process,
// or the pid in <home>/pid when that process is an amanahd started with this home.
func (nd *Node) runningPID() (int, bool) {
	if nd.cmd != nil {
		select {
		case <-nd.done:
			nd.cmd, nd.done = nil, nil
		default:
			return nd.cmd.Process.Pid, true
		}
	}
	raw, err := os.ReadFile(nd.PIDFile())
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, isOurNode(pid, nd.Home)
}

// isOurNode reports whether pid is a live (not zombie) `amanahd start --home home` process.
func isOurNode(pid int, home string) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	match := false
	for j := 0; j+1 < len(args); j++ {
		if args[j] == "--home" && args[j+1] == home {
			match = true
		}
	}
	if !match || len(args) < 2 || args[1] != "start" {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses: "pid (comm) S ...".
	if k := strings.LastIndexByte(string(stat), ')'); k > 0 && k+2 < len(stat) && stat[k+2] == 'Z' {
		return false
	}
	return true
}

// Running reports whether node i's process is alive (also when paused).
func (n *Net) Running(i int) bool {
	nd := n.Nodes[i]
	nd.mu.Lock()
	defer nd.mu.Unlock()
	_, ok := nd.runningPID()
	return ok
}

// PID returns node i's pid, or 0 if it is not running.
func (n *Net) PID(i int) int {
	nd := n.Nodes[i]
	nd.mu.Lock()
	defer nd.mu.Unlock()
	pid, _ := nd.runningPID()
	return pid
}

// signal sends sig to node i and returns the pid, or 0 if the node was not running.
func (n *Net) signal(i int, sig syscall.Signal) (int, error) {
	nd := n.Nodes[i]
	nd.mu.Lock()
	defer nd.mu.Unlock()
	pid, ok := nd.runningPID()
	if !ok {
		return 0, nil
	}
	if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return pid, fmt.Errorf("localnet: signal %v to node%d (pid %d): %w", sig, i, pid, err)
	}
	return pid, nil
}

// waitExit waits until node i's process has exited or the timeout passes.
func (n *Net) waitExit(i int, timeout time.Duration) bool {
	nd := n.Nodes[i]
	nd.mu.Lock()
	done := nd.done
	nd.mu.Unlock()
	if done != nil {
		select {
		case <-done:
			return true
		case <-time.After(timeout):
			return false
		}
	}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if !n.Running(i) {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return !n.Running(i)
}

// Stop stops node i: SIGCONT (in case it is paused) and SIGTERM, then SIGKILL if it has not
// exited after StopTimeout. Stopping a node that is not running is not an error.
func (n *Net) Stop(i int) error {
	pid, err := n.signal(i, syscall.SIGTERM)
	if err != nil || pid == 0 {
		return err
	}
	_, _ = n.signal(i, syscall.SIGCONT)
	if n.waitExit(i, StopTimeout) {
		return n.cleared(i)
	}
	return n.Kill(i)
}

// Kill sends SIGKILL to node i and waits for it to exit.
func (n *Net) Kill(i int) error {
	pid, err := n.signal(i, syscall.SIGKILL)
	if err != nil || pid == 0 {
		return err
	}
	if !n.waitExit(i, 10*time.Second) {
		return fmt.Errorf("localnet: node%d (pid %d) did not exit after SIGKILL", i, pid)
	}
	return n.cleared(i)
}

func (n *Net) cleared(i int) error {
	err := os.Remove(n.Nodes[i].PIDFile())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Pause freezes node i with SIGSTOP.
func (n *Net) Pause(i int) error {
	pid, err := n.signal(i, syscall.SIGSTOP)
	if err == nil && pid == 0 {
		err = fmt.Errorf("localnet: node%d is not running", i)
	}
	return err
}

// Resume continues node i with SIGCONT.
func (n *Net) Resume(i int) error {
	pid, err := n.signal(i, syscall.SIGCONT)
	if err == nil && pid == 0 {
		err = fmt.Errorf("localnet: node%d is not running", i)
	}
	return err
}

// Height returns node i's latest committed height.
func (n *Net) Height(ctx context.Context, i int) (int64, error) {
	st, err := n.Nodes[i].RPC().Status(ctx)
	return st.LatestBlockHeight, err
}

// DefaultWait bounds waits whose context has no deadline.
const DefaultWait = 2 * time.Minute

// WaitHeight polls node i until it has committed height h. It returns early with the log's tail
// if the node's process exits, and fails when ctx ends (or after DefaultWait if ctx has no
// deadline).
func (n *Net) WaitHeight(ctx context.Context, i int, h int64) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultWait)
		defer cancel()
	}
	var last int64
	var lastErr error
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		got, err := n.Height(ctx, i)
		if err == nil && got >= h {
			return nil
		}
		last, lastErr = got, err
		if !n.Running(i) {
			return fmt.Errorf("localnet: node%d exited while waiting for height %d:\n%s", i, h, n.LogTail(i, 30))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("localnet: node%d at height %d (last error: %v), waiting for %d: %w", i, last, lastErr, h, ctx.Err())
		case <-tick.C:
		}
	}
}

// WaitAll waits until every node in nodes (all when empty) has committed height h.
func (n *Net) WaitAll(ctx context.Context, h int64, nodes ...int) error {
	if len(nodes) == 0 {
		for i := range n.Nodes {
			nodes = append(nodes, i)
		}
	}
	for _, i := range nodes {
		if err := n.WaitHeight(ctx, i, h); err != nil {
			return err
		}
	}
	return nil
}

// AppHash returns the app hash in the header of block h on node i: the state after block h-1.
func (n *Net) AppHash(ctx context.Context, i int, h int64) (string, error) {
	b, err := n.Nodes[i].RPC().Block(ctx, h)
	return b.AppHash, err
}

// BlockHash returns the hash of block h on node i.
func (n *Net) BlockHash(ctx context.Context, i int, h int64) (string, error) {
	b, err := n.Nodes[i].RPC().Block(ctx, h)
	return b.Hash, err
}

// LogTail returns the last lines of node i's log.
func (n *Net) LogTail(i, lines int) string { return FileTail(n.Nodes[i].LogFile(), lines) }

// FileTail returns the last n lines of the file at path (a process's log), or the error
// reading it, for error messages.
func FileTail(path string, n int) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	all := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(all) > n {
		all = all[len(all)-n:]
	}
	return strings.Join(all, "\n")
}
