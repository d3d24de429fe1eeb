//go:build faults

package faults

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
)

// scenario is one fault test: a network, a transaction client, and a timestamped log.
type scenario struct {
	t     *testing.T
	ctx   context.Context
	start time.Time
	net   *localnet.Net
	c     *txclient.Client
	// members are the nodes whose agencies are council members (they vote in councilDecision):
	// the first `members` nodes; nodes added later join it when admitted.
	members int
	// trustRootHeight is the height of the verifiers' trust root (0: block 1); a verifier
	// reading a node that joined by state sync trusts a block that node holds.
	trustRootHeight int64
	// keysInMemory makes the stream sign with copies of the agencies' keys held in memory, not
	// read from the node homes (a test that wipes a home).
	keysInMemory bool
}

var binary string

func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	bin, err := localnet.BuildBinary(ctx)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = bin
	os.Exit(m.Run())
}

// newScenario starts an n-validator network and waits until every node has committed height 2.
func newScenario(t *testing.T, n int, budget time.Duration) *scenario {
	return newScenarioConfig(t, n, budget, nil)
}

// newScenarioWith is newScenario with a gov voting period (0: the localnet default).
func newScenarioWith(t *testing.T, n int, budget, votingPeriod time.Duration) *scenario {
	return newScenarioConfig(t, n, budget, func(c *localnet.Config) { c.VotingPeriod = votingPeriod })
}

// newScenarioConfig is newScenario with the network's configuration edited by edit (if set).
func newScenarioConfig(t *testing.T, n int, budget time.Duration, edit func(*localnet.Config)) *scenario {
	return newScenarioSpare(t, n, 0, budget, edit)
}

// newScenarioSpare is newScenarioConfig with the ports of `spare` more nodes free (nodes that
// join later, localnet.Net.AddNode).
func newScenarioSpare(t *testing.T, n, spare int, budget time.Duration, edit func(*localnet.Config)) *scenario {
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	t.Cleanup(cancel)
	s := &scenario{t: t, ctx: ctx, start: time.Now(), members: n}
	ports, err := localnet.FreeBasePorts(n + spare)
	if err != nil {
		t.Fatal(err)
	}
	cfg := localnet.Config{Binary: binary, Dir: t.TempDir(), N: n, BasePorts: ports}
	if edit != nil {
		edit(&cfg)
	}
	net, err := localnet.Init(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.net = net
	t.Cleanup(func() {
		if t.Failed() {
			for i := range net.Nodes {
				t.Logf("node%d log tail:\n%s", i, net.LogTail(i, 15))
			}
		}
		if err := net.StopAll(); err != nil {
			t.Error(err)
		}
	})
	if err := net.StartAll(); err != nil {
		t.Fatal(err)
	}
	s.must(s.waitAll(60*time.Second, 2, all(n)...))
	s.logf("network of %d validators up at height 2 (rpc base port %d)", n, ports.RPC)
	if s.c, err = txclient.New(net.Config.ChainID); err != nil {
		t.Fatal(err)
	}
	return s
}

func all(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func (s *scenario) logf(format string, args ...any) {
	s.t.Helper()
	s.t.Logf("%s +%6.1fs  %s", time.Now().UTC().Format("15:04:05.000"), time.Since(s.start).Seconds(), fmt.Sprintf(format, args...))
}

func (s *scenario) must(err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatal(err)
	}
}

func (s *scenario) waitAll(timeout time.Duration, h int64, nodes ...int) error {
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	return s.net.WaitAll(ctx, h, nodes...)
}

// maxHeight returns the highest height among nodes that answer.
func (s *scenario) maxHeight(nodes ...int) int64 {
	var best int64
	for _, i := range nodes {
		if h, err := s.net.Height(s.ctx, i); err == nil && h > best {
			best = h
		}
	}
	return best
}

// advance waits until nodes have committed `blocks` more blocks than the highest of them now.
func (s *scenario) advance(blocks int64, timeout time.Duration, nodes ...int) int64 {
	s.t.Helper()
	target := s.maxHeight(nodes...) + blocks
	s.must(s.waitAll(timeout, target, nodes...))
	return target
}

// stream creates an issuer DID with a revocation list, then starts the identity stream from
// every agency: agency 1 flips bits on the list, the others alternate DID creations and bank
// sends.
func (s *scenario) stream() *Stream {
	var signers []txclient.Signer
	var addrs []sdk.AccAddress
	for i := range s.net.Nodes {
		sg, err := s.c.AgencySigner(s.net, i)
		s.must(err)
		if s.keysInMemory {
			sg, err = s.c.InMemory(sg)
			s.must(err)
		}
		signers = append(signers, sg)
		addrs = append(addrs, sg.Address)
	}
	network := s.didNetwork()
	owner := s.createStatusOwner(network, signers[1])
	// Balances as of the last setup transaction (a story before the stream may have moved some).
	start := map[string]sdkmath.Int{}
	for _, a := range addrs {
		bal, err := s.c.Balance(s.ctx, s.net.Node(0).RPC(), a, localnet.TestDenom, owner.height)
		s.must(err)
		start[a.String()] = bal
	}
	w := &identityMix{chainID: s.c.ChainID, network: network, bank: &bankSends{c: s.c, addrs: addrs, start: start},
		owner: owner, statusSender: 1, dids: map[[2]int]string{}}
	st := &Stream{net: s.net, c: s.c, signers: signers, w: w, logf: s.logf, from: owner.height}
	st.Start(s.ctx)
	s.logf("stream started: %s from %d agencies, one transaction in flight each", st.w.Name(), len(signers))
	return st
}

// checkConverged stops the stream and checks: every node reaches a common height H; block
// hashes and app hashes at H agree; every acknowledged transaction is in the block of its
// height on every node; and the workload's state at H matches on every node.
func (s *scenario) checkConverged(st *Stream) {
	s.t.Helper()
	acked, err := st.Stop()
	s.must(err)
	nodes := all(len(s.net.Nodes))
	h := s.maxHeight(nodes...) + 1
	s.must(s.waitAll(60*time.Second, h+1, nodes...))
	s.logf("stream stopped: %d transactions acknowledged (%d submitted); every node at height >= %d", len(acked), st.submitted, h+1)
	var refBlock, refApp string
	for _, i := range nodes {
		b, err := s.net.Node(i).RPC().Block(s.ctx, h+1)
		s.must(err)
		if i == 0 {
			refBlock, refApp = b.Hash, b.AppHash
		} else if b.Hash != refBlock || b.AppHash != refApp {
			s.t.Fatalf("node%d at height %d: block %s app hash %s; node0: block %s app hash %s", i, h+1, b.Hash, b.AppHash, refBlock, refApp)
		}
	}
	s.logf("block %d identical on all %d nodes: block hash %.16s..., app hash after %d %.16s...", h+1, len(nodes), refBlock, h, refApp)
	for _, i := range nodes {
		// Every acknowledged transaction (code 0 when acknowledged) is in the block of its height
		// on every node. The block store is read, not the tx index: CometBFT indexes
		// transactions after the commit, and a node killed with SIGKILL can lose the index of
		// its last blocks (never the blocks), so /tx may not find a committed transaction there.
		rpc := s.net.Node(i).RPC()
		inBlock := map[int64]map[string]bool{}
		for _, a := range acked {
			if inBlock[a.Height] == nil {
				b, err := rpc.Block(s.ctx, a.Height)
				if err != nil {
					s.t.Fatalf("node%d: block %d: %v", i, a.Height, err)
				}
				inBlock[a.Height] = map[string]bool{}
				for _, hash := range b.TxHashes {
					inBlock[a.Height][hash] = true
				}
			}
			if !inBlock[a.Height][a.Hash] {
				s.t.Fatalf("node%d: acknowledged tx %s (sender %d #%d) is not in block %d", i, a.Hash, a.Sender, a.N, a.Height)
			}
		}
		s.must(st.w.Verify(s.ctx, rpc, h, acked))
	}
	dids, updates, sends := 0, 0, 0
	if w, ok := st.w.(*identityMix); ok {
		dids, updates, sends = w.counts(acked)
	}
	s.logf("all %d acknowledged transactions found on every node, and at height %d on every node: %d DIDs resolve, the entries of %d status updates read as written, balances of %d bank sends as expected",
		len(acked), h, dids, updates, sends)
}

// sameChain checks that nodes agree on the block hash at every height from 1 to h.
func (s *scenario) sameChain(h int64, nodes ...int) {
	s.t.Helper()
	for height := int64(1); height <= h; height++ {
		var ref string
		for k, i := range nodes {
			hash, err := s.net.BlockHash(s.ctx, i, height)
			s.must(err)
			if k == 0 {
				ref = hash
			} else if hash != ref {
				s.t.Fatalf("fork at height %d: node%d %s, node%d %s", height, nodes[0], ref, i, hash)
			}
		}
	}
}

// stableHeight waits until nodes' highest height has not changed for `quiet`, and returns it.
func (s *scenario) stableHeight(quiet, timeout time.Duration, nodes ...int) int64 {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	last, since := s.maxHeight(nodes...), time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		if h := s.maxHeight(nodes...); h != last {
			last, since = h, time.Now()
		}
		if time.Since(since) >= quiet {
			return last
		}
	}
	s.t.Fatalf("height still moving after %s (at %d)", timeout, last)
	return 0
}
