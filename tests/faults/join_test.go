//go:build faults

package faults

import (
	"encoding/base64"
	"os"
	"strings"
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/verifier/client"
	counciltypes "github.com/amanah-id/amanah/x/council/types"
)

// joinSnapshotInterval is the localnet's snapshot interval in the join test (amanahd init
// writes 1,000: a test cannot wait that long).
const joinSnapshotInterval = 10

// TestJoinByStateSync: 4 validators with the trust world of a verifier story (DIDs, a
// credential type, accreditations, a relying party, a status list) under the identity stream.
// A 5th node joins by state sync (trusting a height read from node 0, restoring a snapshot
// taken after it): it does not replay from block 1 (its block store starts after the snapshot)
// and serves the same app hash. After the council admits its agency and it bonds the council
// bond, it is a validator with the same power as the others and its key signs commits. A bank's
// observer node (no account, no vote) joins the same way, and amanah-verifier reading that
// node alone verifies the credential and sees its revocation. At the end every node, the two
// joiners included, holds every acknowledged transaction's effects and the same app hash.
func TestJoinByStateSync(t *testing.T) {
	s := newScenarioSpare(t, 4, 2, 8*time.Minute, func(c *localnet.Config) {
		c.VotingPeriod = 10 * time.Second // 4 votes, one block each, within it
		c.SnapshotInterval = joinSnapshotInterval
	})
	cs := s.credentialStory()
	st := s.stream()
	s.advance(2, 30*time.Second, 0, 1, 2, 3)

	// A validator-to-be joins by state sync.
	joiner := s.joinByStateSync("agency4", "Agency 4")
	signer, err := s.c.AgencySigner(s.net, joiner)
	s.must(err)
	// The stream's senders are the agencies that also vote: stop it before the council acts.
	acked, err := st.Stop()
	s.must(err)
	s.converged(acked, st.w)

	// Admission: a council vote, then create-validator with the node's consensus key and exactly
	// the council bond (what docs/operations.md "Admission" has the agency run).
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	s.councilDecision("admit Agency 4", &counciltypes.MsgAdmitMember{Authority: gov, Address: signer.Address.String(), Name: "Agency 4"})
	s.members++
	_, key, err := s.net.ConsensusPubKey(s.ctx, joiner)
	s.must(err)
	raw, err := base64.StdEncoding.DecodeString(key)
	s.must(err)
	create, err := stakingtypes.NewMsgCreateValidator(sdk.ValAddress(signer.Address).String(), &ed25519.PubKey{Key: raw},
		sdk.NewCoin(app.BondDenom, counciltypes.DefaultBondAmount), stakingtypes.NewDescription("node4", "", "", "", ""),
		stakingtypes.NewCommissionRates(sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec(), sdkmath.LegacyZeroDec()), sdkmath.OneInt())
	s.must(err)
	res, err := s.deliver(joiner, signer, create)
	s.must(err)
	s.logf("INJECT Agency 4 admitted by the council; create-validator with the council bond committed at %d", res.Height)
	s.waitValidator(joiner, 5, 60*time.Second)

	// A bank's observer node: the same path without an account or a vote.
	observer := s.joinByStateSync("", "")
	stObs, err := s.net.Node(observer).RPC().Status(s.ctx)
	s.must(err)
	if stObs.VotingPower != 0 {
		t.Fatalf("observer has voting power %d", stObs.VotingPower)
	}
	// The bank's verifier trusts a recent block (a trust root the council publishes, `amanah
	// trust-root`): its node holds no block before its snapshot.
	s.trustRootHeight = stObs.LatestBlockHeight
	v := s.startVerifier(cs.bank, observer)
	vc, err := client.Dial(v.addr, client.Options{APIKey: v.apiKey, Insecure: true})
	s.must(err)
	defer vc.Close()
	ans, err := cs.present(s.ctx, vc)
	s.must(err)
	if !ans.Verified {
		t.Fatalf("verifier reading the observer: not verified: %s", ans.Reason)
	}
	s.logf("OBSERVE amanah-verifier reading only the observer node%d: credential verified at ledger height %d", observer, ans.Height)
	revoked := s.setStatus(cs, 42, 1)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ans, err := cs.present(s.ctx, vc)
		s.must(err)
		if !ans.Verified && ans.Height >= revoked {
			s.logf("OBSERVE revocation at %d seen through the observer: verified=false (%s) at ledger height %d", revoked, ans.Reason, ans.Height)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("revocation at %d not seen through the observer: verified=%v at %d (%s)", revoked, ans.Verified, ans.Height, ans.Reason)
		}
		time.Sleep(500 * time.Millisecond) // poll until the deadline
	}
	v.stop()

	// Every node, the joiners included, holds the stream's effects and the same state.
	s.converged(acked, st.w)
}

// converged waits for a block that every node has committed and checks that all nodes agree on
// its hash and app hash, and that every acknowledged transaction's effect reads the same on
// every node at the height before it.
func (s *scenario) converged(acked []Acked, w Workload) {
	s.t.Helper()
	nodes := all(len(s.net.Nodes))
	h := s.maxHeight(nodes...) + 1
	s.must(s.waitAll(60*time.Second, h+1, nodes...))
	ref, err := s.net.Node(0).RPC().Block(s.ctx, h+1)
	s.must(err)
	for _, i := range nodes {
		b, err := s.net.Node(i).RPC().Block(s.ctx, h+1)
		s.must(err)
		if b.Hash != ref.Hash || b.AppHash != ref.AppHash {
			s.t.Fatalf("node%d block %d: hash %s app hash %s; node0: %s %s", i, h+1, b.Hash, b.AppHash, ref.Hash, ref.AppHash)
		}
		s.must(w.Verify(s.ctx, s.net.Node(i).RPC(), h, acked))
	}
	s.logf("OBSERVE %d acknowledged stream transactions; at height %d all %d nodes agree (app hash %.16s...) and read every one's effect",
		len(acked), h, len(nodes), ref.AppHash)
}

// joinByStateSync adds a node (with an account key named keyName, or an observer when empty),
// trusting node 0's latest block, waits for a snapshot taken after it, starts the node and
// waits until it has caught up. It checks that the node restored a snapshot (its block store
// begins after block 1, its log says so) and that it reads the same app hash as node 0.
func (s *scenario) joinByStateSync(keyName, name string) int {
	s.t.Helper()
	validators := all(s.members)
	trust := s.maxHeight(validators...)
	snap := (trust/joinSnapshotInterval + 1) * joinSnapshotInterval
	s.must(s.waitAll(90*time.Second, snap+2, validators...))
	nd, err := s.net.AddNode(s.ctx, localnet.JoinOptions{KeyName: keyName, Name: name, RPCServers: []int{0, 1}, TrustHeight: trust})
	s.must(err)
	i := nd.Index
	s.must(s.net.Start(i))
	started := time.Now()
	s.logf("INJECT node%d (%s) joins by state sync: trust height %d (hash from node0), snapshots every %d blocks",
		i, map[bool]string{true: "observer", false: keyName}[keyName == ""], trust, joinSnapshotInterval)
	target := s.maxHeight(validators...)
	s.must(s.waitAll(120*time.Second, target, i))
	st, err := s.net.Node(i).RPC().Status(s.ctx)
	s.must(err)
	if st.EarliestBlockHeight <= 1 {
		s.t.Fatalf("node%d: earliest block %d: it replayed the chain instead of restoring a snapshot", i, st.EarliestBlockHeight)
	}
	log, err := os.ReadFile(nd.LogFile())
	s.must(err)
	if !strings.Contains(string(log), "Snapshot restored") {
		s.t.Fatalf("node%d: no \"Snapshot restored\" in its log", i)
	}
	h := s.advance(1, 30*time.Second, 0, i)
	a0, err := s.net.AppHash(s.ctx, 0, h)
	s.must(err)
	ai, err := s.net.AppHash(s.ctx, i, h)
	s.must(err)
	if a0 != ai {
		s.t.Fatalf("node%d: app hash in block %d %s, node0 %s", i, h, ai, a0)
	}
	s.logf("OBSERVE node%d restored a snapshot and caught up to %d in %.1fs: its block store begins at %d (not 1); app hash in block %d equal to node0's (%.16s...)",
		i, target, time.Since(started).Seconds(), st.EarliestBlockHeight, h, ai)
	return i
}

// waitValidator waits until node i's consensus key is in the validator set of `size`
// validators with the power of every other one, and then until it signs a commit.
func (s *scenario) waitValidator(i, size int, timeout time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	var addr string
	for {
		st, err := s.net.Node(i).RPC().Status(s.ctx)
		s.must(err)
		vals, err := s.net.Validators(s.ctx, 0, 0)
		s.must(err)
		equal := len(vals) == size
		for _, v := range vals {
			equal = equal && v.Power == vals[0].Power
		}
		if equal && st.VotingPower == vals[0].Power {
			addr = st.ValidatorAddress
			s.logf("OBSERVE node%d (consensus address %s) in the validator set: %d validators, each power %d", i, addr, len(vals), vals[0].Power)
			break
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("node%d not a validator with equal power after %s: set %+v, its power %d", i, timeout, vals, st.VotingPower)
		}
		time.Sleep(250 * time.Millisecond) // poll until the deadline
	}
	s.waitSigns(i, addr, timeout)
}

// waitSigns waits until a commit on node 0 holds a precommit by consensus address addr, and
// returns that commit's height.
func (s *scenario) waitSigns(i int, addr string, timeout time.Duration) int64 {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	h := s.maxHeight(0)
	for time.Now().Before(deadline) {
		if err := s.waitAll(30*time.Second, h+1, 0); err != nil {
			s.t.Fatal(err)
		}
		signers, err := s.net.CommitSigners(s.ctx, 0, h)
		s.must(err)
		for _, a := range signers {
			if a == addr {
				s.logf("OBSERVE node%d's key %s signed the commit of block %d (%d signatures)", i, addr, h, len(signers))
				return h
			}
		}
		h++
	}
	s.t.Fatalf("node%d's key %s signed no commit within %s", i, addr, timeout)
	return 0
}
