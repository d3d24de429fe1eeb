//go:build faults

package faults

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
)

// TestOneFaultUnderLoad: 4 validators under a transaction stream; one is killed with SIGKILL,
// one paused with SIGSTOP, one restarted. Blocks continue on the others each time, and at the
// end every acknowledged transaction is on every node with equal app hashes.
func TestOneFaultUnderLoad(t *testing.T) {
	s := newScenario(t, 4, 8*time.Minute)
	st := s.stream()
	s.advance(3, 30*time.Second, 0, 1, 2, 3)
	s.logf("baseline: %d transactions acknowledged", st.Count())

	// kill -9 node1
	s.must(s.net.Kill(1))
	s.logf("INJECT kill -9 node1")
	h := s.advance(3, 45*time.Second, 0, 2, 3)
	s.logf("OBSERVE nodes 0,2,3 committed up to %d without node1; %d acknowledged", h, st.Count())
	s.must(s.net.Start(1))
	h = s.advance(1, 90*time.Second, 0, 1, 2, 3)
	s.logf("OBSERVE node1 restarted and caught up to %d", h)

	// SIGSTOP node2
	s.must(s.net.Pause(2))
	s.logf("INJECT SIGSTOP node2")
	h = s.advance(3, 45*time.Second, 0, 1, 3)
	s.logf("OBSERVE nodes 0,1,3 committed up to %d with node2 frozen; %d acknowledged", h, st.Count())
	s.must(s.net.Resume(2))
	s.logf("INJECT SIGCONT node2")
	h = s.advance(1, 90*time.Second, 0, 1, 2, 3)
	s.logf("OBSERVE node2 resumed and caught up to %d", h)

	// restart node3 (SIGTERM, start again)
	s.must(s.net.Stop(3))
	s.logf("INJECT stop (SIGTERM) node3")
	h = s.advance(2, 45*time.Second, 0, 1, 2)
	s.logf("OBSERVE nodes 0,1,2 committed up to %d without node3", h)
	s.must(s.net.Start(3))
	s.logf("INJECT start node3")
	h = s.advance(2, 90*time.Second, 0, 1, 2, 3)
	s.logf("OBSERVE node3 restarted and caught up to %d; %d acknowledged", h, st.Count())

	s.checkConverged(st)
}

// TestTwoDownHaltsWithoutFork: with 2 of 4 validators stopped the chain halts (no new block
// over several block times) and the survivors agree on every block; after a restart it resumes,
// the stopped nodes catch up, and all four agree on every block. A transaction submitted during
// the halt commits after it.
func TestTwoDownHaltsWithoutFork(t *testing.T) {
	s := newScenario(t, 4, 6*time.Minute)
	s.advance(2, 30*time.Second, 0, 1, 2, 3)

	s.must(s.net.Kill(2))
	s.must(s.net.Stop(3))
	s.logf("INJECT kill -9 node2, stop (SIGTERM) node3")
	hStop := s.stableHeight(4*time.Second, 30*time.Second, 0, 1)
	s.logf("OBSERVE survivors settled at height %d", hStop)

	// A transaction during the halt: accepted into the mempool, not committed.
	sender, err := s.c.AgencySigner(s.net, 0)
	s.must(err)
	w := &bankSends{c: s.c, addrs: nil}
	for i := range s.net.Nodes {
		sg, err := s.c.AgencySigner(s.net, i)
		s.must(err)
		w.addrs = append(w.addrs, sg.Address)
	}
	accNum, seq, err := s.c.Account(s.ctx, s.net.Node(0).RPC(), sender.Address)
	s.must(err)
	msgs, err := w.Msgs(0, 0)
	s.must(err)
	tx, err := s.c.Sign(sender, accNum, seq, "during halt", msgs...)
	s.must(err)
	res, err := s.net.Node(0).RPC().BroadcastSync(s.ctx, tx.Bytes)
	s.must(err)
	s.logf("INJECT bank send %s during the halt: CheckTx code %d", tx.Hash[:16], res.Code)

	// No new block for 8 block times.
	window := 8 * time.Second
	end := time.Now().Add(window)
	for time.Now().Before(end) {
		if h := s.maxHeight(0, 1); h > hStop {
			t.Fatalf("height moved to %d with 2 of 4 validators down", h)
		}
		time.Sleep(250 * time.Millisecond)
	}
	s.sameChain(hStop, 0, 1)
	s.logf("OBSERVE no block for %s (height %d on nodes 0,1); survivors agree on blocks 1..%d", window, hStop, hStop)

	s.must(s.net.Start(2))
	s.must(s.net.Start(3))
	s.logf("INJECT start node2, node3")
	resumeStart := time.Now()
	s.must(s.waitAll(120*time.Second, hStop+1, 0, 1))
	s.logf("OBSERVE chain resumed %.1fs after restart", time.Since(resumeStart).Seconds())
	h := s.advance(3, 120*time.Second, 0, 1, 2, 3)
	s.sameChain(h, 0, 1, 2, 3)
	s.logf("OBSERVE all 4 at height %d, identical blocks 1..%d (no fork)", h, h)

	for _, i := range all(4) {
		got, err := s.net.Node(i).RPC().Tx(s.ctx, tx.Hash)
		if err != nil || got.Code != 0 {
			t.Fatalf("node%d: tx submitted during the halt: %+v %v", i, got, err)
		}
		if i == 0 {
			s.logf("OBSERVE the halt's transaction committed at height %d on every node", got.Height)
		}
	}
	s.must(w.Verify(s.ctx, s.net.Node(3).RPC(), h, []Acked{{Msgs: msgs}}))
}

// TestKillDuringCommitsWALRecovery: a validator is killed with SIGKILL right as it commits
// blocks (at a random point within a block time after it reports a new height), three times;
// each time it restarts from its WAL and stores, rejoins and keeps up, and the network's state
// stays identical on every node.
func TestKillDuringCommitsWALRecovery(t *testing.T) {
	s := newScenario(t, 4, 8*time.Minute)
	st := s.stream()
	s.advance(2, 30*time.Second, 0, 1, 2, 3)
	victim := 1
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for round := 1; round <= 3; round++ {
		h0, err := s.net.Height(s.ctx, victim)
		s.must(err)
		s.must(s.waitAll(30*time.Second, h0+1, victim))
		delay := time.Duration(rng.IntN(1000)) * time.Millisecond
		time.Sleep(delay) // a random point inside the commit/propose cycle
		hk, _ := s.net.Height(s.ctx, victim)
		s.must(s.net.Kill(victim))
		s.logf("INJECT round %d: kill -9 node%d %s after it committed %d (at %d when killed)", round, victim, delay, h0+1, hk)
		h := s.advance(2, 45*time.Second, 0, 2, 3)
		s.must(s.net.Start(victim))
		restart := time.Now()
		s.must(s.waitAll(90*time.Second, h+1, victim))
		s.logf("OBSERVE node%d restarted and reached %d in %.1fs; %d acknowledged", victim, h+1, time.Since(restart).Seconds(), st.Count())
	}
	log, err := os.ReadFile(s.net.Node(victim).LogFile())
	s.must(err)
	s.logf("node%d log: %d starts, WAL replay lines: %d", victim, strings.Count(string(log), "==== localnet: start"),
		strings.Count(strings.ToLower(string(log)), "replay"))
	s.checkConverged(st)
}
