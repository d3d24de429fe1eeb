//go:build faults

package faults

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/amanah-id/amanah/app/upgrades/didtimeindex"
	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// TestSoftwareUpgrade: a 4-node network runs the previous release (amanahd built with the tag
// prevrelease: x/did at state version 2 without the time index, no did-time-index handler) and
// holds a trust world,
// a DID with two versions and the identity stream's DIDs and status updates. A council
// proposal (MsgSoftwareUpgrade) schedules did-time-index; every node stops at its height with
// x/upgrade's "UPGRADE ... NEEDED" message; each node restarts with this tree's amanahd (what
// cosmovisor does from upgrades/did-time-index/bin), whose handler runs x/did's 2 -> 3
// migration. After it every DID, version, accreditation, relying party, credential type and
// status list reads byte for byte as before, every acknowledged transaction's effect is there,
// resolving by time finds the version the old release could not (the migration built the
// index), and the chain goes on. A node restarted with the old binary past the
// height stops with a message naming the missing upgrade handler, then catches up with the new
// one.
func TestSoftwareUpgrade(t *testing.T) {
	bctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	prev, err := localnet.BuildTagged(bctx, "amanahd", "prevrelease", "amanahd-prevrelease")
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	s := newScenarioConfig(t, 4, 8*time.Minute, func(c *localnet.Config) {
		c.Binary = prev
		c.VotingPeriod = 10 * time.Second // 4 votes, one block each, within it
	})
	if v := s.moduleVersion(0, "did"); v != 2 {
		t.Fatalf("previous release: x/did at version %d, want 2", v)
	}
	s.logf("setup: all 4 nodes run the previous release (%s): x/did state version 2", prev)

	cs := s.credentialStory()
	rotated, v1Time, v2Time := s.didWithTwoVersions()
	if got := s.versionAt(0, rotated, v2Time); got != "1" {
		t.Fatalf("previous release: %s at the time of its version 2 resolves to version %q; it has no time index, want 1", rotated, got)
	}
	s.logf("setup: the previous release has no time index: %s at the time of its version 2 resolves to version 1", rotated)
	st := s.stream()
	s.advance(6, 60*time.Second, 0, 1, 2, 3)
	acked, err := st.Stop()
	s.must(err)
	dids := []string{cs.issuer, cs.bank, rotated}
	for _, id := range st.w.(*identityMix).dids {
		dids = append(dids, id)
	}
	slices.Sort(dids)
	before := s.ledgerReads(0, 0, cs.issuer, dids)
	s.logf("setup: %d acknowledged stream transactions; %d ledger reads recorded (%d DIDs)", len(acked), len(before), len(dids))

	// The council schedules the upgrade.
	height := s.maxHeight(0, 1, 2, 3) + 30 // after the vote (10 s)
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	s.councilDecision("upgrade "+didtimeindex.Name, &upgradetypes.MsgSoftwareUpgrade{Authority: gov,
		Plan: upgradetypes.Plan{Name: didtimeindex.Name, Height: height, Info: "x/did time index (state version 3)"}})
	s.logf("INJECT council decided MsgSoftwareUpgrade %q at height %d", didtimeindex.Name, height)

	// Every node stops at the height.
	needed := fmt.Sprintf("UPGRADE \"%s\" NEEDED at height: %d", didtimeindex.Name, height)
	for i := range 4 {
		s.waitLog(i, needed, 90*time.Second)
	}
	// CometBFT stores block H before the app refuses to execute it: the block store may end at
	// H, the application state at H-1.
	halted := s.stableHeight(4*time.Second, 30*time.Second, 0, 1, 2, 3)
	if halted > height {
		t.Fatalf("chain went on to %d past the upgrade height %d", halted, height)
	}
	for i := range 4 {
		if got := s.appHeight(i); got != height-1 {
			t.Fatalf("node%d: application state at %d, want %d (the block before the upgrade)", i, got, height-1)
		}
	}
	s.logf("OBSERVE every node logged %q; the chain halted (block store at %d, application state at %d on every node)", needed, halted, height-1)

	// Operators switch binaries (cosmovisor: upgrades/did-time-index/bin/amanahd) and restart.
	s.must(s.net.StopAll())
	for i := range 4 {
		s.net.SetBinary(i, binary)
	}
	s.must(s.net.StartAll())
	s.logf("INJECT all 4 nodes restarted with the new amanahd (%s)", binary)
	after := height + 3
	s.must(s.waitAll(90*time.Second, after, 0, 1, 2, 3))
	for i := range 4 {
		done := s.waitLog(i, "upgrade handler: module migrations done", 5*time.Second)
		if i == 0 {
			s.logf("OBSERVE node0: %s", done)
		}
		if v := s.moduleVersion(i, "did"); v != 3 {
			t.Fatalf("node%d: x/did at version %d after the upgrade, want 3", i, v)
		}
	}
	var applied upgradetypes.QueryAppliedPlanResponse
	s.must(query(s.ctx, s.net.Node(0).RPC(), "/cosmos.upgrade.v1beta1.Query/AppliedPlan", &upgradetypes.QueryAppliedPlanRequest{Name: didtimeindex.Name}, &applied, 0))
	if applied.Height != height {
		t.Fatalf("applied plan height %d, want %d", applied.Height, height)
	}
	s.logf("OBSERVE the handler ran on every node at %d (x/did 2 -> 3); the chain went on to %d", height, after)

	for i := range 4 {
		got := s.ledgerReads(i, 0, cs.issuer, dids)
		for k, v := range before {
			if !bytes.Equal(got[k], v) {
				t.Fatalf("node%d: %s reads differently after the upgrade:\nbefore %x\nafter  %x", i, k, v, got[k])
			}
		}
		s.must(st.w.Verify(s.ctx, s.net.Node(i).RPC(), after, acked))
	}
	for i := range 4 {
		if v1, v2 := s.versionAt(i, rotated, v1Time), s.versionAt(i, rotated, v2Time); v1 != "1" || v2 != "2" {
			t.Fatalf("node%d after the upgrade: %s resolves at its versions' times to %q and %q, want 1 and 2", i, rotated, v1, v2)
		}
	}
	council, err := s.c.AgencySigner(s.net, 0)
	s.must(err)
	msg, did, _, err := txclient.NewDID(s.c.ChainID, s.didNetwork(), council.Address)
	s.must(err)
	created, err := s.deliver(0, council, msg)
	s.must(err)
	s.logf("OBSERVE on all 4 nodes: %d ledger reads identical to before, %d stream transactions' effects present, %s resolves by time to version 1 at %s and 2 at %s (the migration built its time index); new DID %s committed at %d",
		len(before), len(acked), rotated, v1Time.Format(time.RFC3339Nano), v2Time.Format(time.RFC3339Nano), did, created.Height)

	// A node started with the old binary past the height stops and says why.
	s.must(s.net.Stop(3))
	s.net.SetBinary(3, prev)
	s.must(s.net.Start(3))
	missing := fmt.Sprintf("upgrade handler is missing for %s upgrade plan", didtimeindex.Name)
	line := s.waitLog(3, missing, 60*time.Second)
	h3, _ := s.net.Height(s.ctx, 3)
	s.advance(3, 60*time.Second, 0, 1, 2)
	if h, err := s.net.Height(s.ctx, 3); err == nil && h > h3 {
		t.Fatalf("node3 on the old binary went on from %d to %d", h3, h)
	}
	s.logf("OBSERVE node3 restarted with the old binary did not go on (height %d; running: %v); the others went on. Its log:\n%s", h3, s.net.Running(3), line)
	s.must(s.net.Stop(3))
	s.net.SetBinary(3, binary)
	s.must(s.net.Start(3))
	h := s.advance(2, 90*time.Second, 0, 1, 2, 3)
	s.sameChain(h, 0, 1, 2, 3)
	s.logf("OBSERVE node3 back on the new binary caught up to %d; all 4 agree on blocks 1..%d", h, h)
}

// moduleVersion returns the consensus version node i's state records for module (x/upgrade's
// version map).
func (s *scenario) moduleVersion(i int, module string) uint64 {
	s.t.Helper()
	var res upgradetypes.QueryModuleVersionsResponse
	s.must(query(s.ctx, s.net.Node(i).RPC(), "/cosmos.upgrade.v1beta1.Query/ModuleVersions", &upgradetypes.QueryModuleVersionsRequest{ModuleName: module}, &res, 0))
	if len(res.ModuleVersions) != 1 {
		s.t.Fatalf("node%d: module versions of %s: %+v", i, module, res.ModuleVersions)
	}
	return res.ModuleVersions[0].Version
}

// appHeight returns the height of node i's application state (ABCI Info's last block height).
func (s *scenario) appHeight(i int) int64 {
	s.t.Helper()
	var res struct {
		Response struct {
			LastBlockHeight string `json:"last_block_height"`
		} `json:"response"`
	}
	s.must(s.net.Node(i).RPC().Call(s.ctx, "abci_info", nil, &res))
	h, err := strconv.ParseInt(res.Response.LastBlockHeight, 10, 64)
	s.must(err)
	return h
}

// waitLog waits until node i's log contains substr, and returns the first line holding it.
func (s *scenario) waitLog(i int, substr string, timeout time.Duration) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		raw, err := os.ReadFile(s.net.Node(i).LogFile())
		s.must(err)
		if k := strings.Index(string(raw), substr); k >= 0 {
			line := string(raw[strings.LastIndexByte(string(raw[:k]), '\n')+1:])
			if e := strings.IndexByte(line, '\n'); e >= 0 {
				line = line[:e]
			}
			return line
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("node%d: no %q in its log within %s; tail:\n%s", i, substr, timeout, s.net.LogTail(i, 20))
		}
		time.Sleep(250 * time.Millisecond) // poll until the deadline
	}
}

// didWithTwoVersions creates a DID and rotates its key (version 2, which the x/did time index
// covers), and returns it and the times of its two versions (their blocks' times).
func (s *scenario) didWithTwoVersions() (string, time.Time, time.Time) {
	s.t.Helper()
	payer, err := s.c.AgencySigner(s.net, 0)
	s.must(err)
	network := s.didNetwork()
	create, did, priv, err := txclient.NewDID(s.c.ChainID, network, payer.Address)
	s.must(err)
	r1, err := s.deliver(0, payer, create)
	s.must(err)
	v1Time, err := s.blockTime(0, r1.Height)
	s.must(err)
	next, err := keys.Generate(keys.Ed25519)
	s.must(err)
	doc := didtypes.NewDocument(network, priv.Public())
	method := did + "#key-1"
	doc.VerificationMethods = []didcore.VerificationMethod{{ID: method, Type: didcore.TypeMultikey, Controller: did, PublicKeyMultibase: next.Public().Multikey()}}
	bz, err := doc.MarshalJSON()
	s.must(err)
	update := &didtypes.MsgUpdateDid{Signer: payer.Address.String(), Payload: didtypes.UpdateDidPayload{Did: did, Document: bz, PreviousVersionId: "1"}}
	sig, err := didtypes.Sign(s.c.ChainID, didtypes.TypeURLMsgUpdateDid, &update.Payload, method, priv)
	s.must(err)
	update.Signatures = []didtypes.DidSignature{sig}
	r2, err := s.deliver(0, payer, update)
	s.must(err)
	v2Time, err := s.blockTime(0, r2.Height)
	s.must(err)
	s.logf("setup: DID %s version 1 at height %d, key rotated (version 2) at %d", did, r1.Height, r2.Height)
	return did, v1Time, v2Time
}

// versionAt resolves did on node i as of time at and returns the version id it finds.
func (s *scenario) versionAt(i int, did string, at time.Time) string {
	s.t.Helper()
	var res didtypes.QueryResolveResponse
	s.must(query(s.ctx, s.net.Node(i).RPC(), "/amanah.did.v1.Query/Resolve", &didtypes.QueryResolveRequest{Did: did, VersionTime: &at}, &res, 0))
	if res.DidDocumentMetadata == nil {
		s.t.Fatalf("node%d: resolve %s at %s: %s %s", i, did, at, res.DidResolutionMetadata.Error, res.DidResolutionMetadata.ErrorMessage)
	}
	return res.DidDocumentMetadata.VersionId
}

// ledgerReads returns the raw answers of node i at height h (0: latest) to the queries an
// upgrade must not change: each DID resolved and its versions, every accreditation, relying
// party and credential type, and the owner's status lists, whole.
func (s *scenario) ledgerReads(i int, h int64, owner string, dids []string) map[string][]byte {
	s.t.Helper()
	rpc := s.net.Node(i).RPC()
	out := map[string][]byte{}
	read := func(name, path string, req proto.Message) []byte {
		data, err := proto.Marshal(req)
		s.must(err)
		val, err := rpc.ABCIQuery(s.ctx, path, data, h)
		s.must(err)
		out[name] = val
		return val
	}
	for _, d := range dids {
		read("resolve "+d, "/amanah.did.v1.Query/Resolve", &didtypes.QueryResolveRequest{Did: d})
		read("versions "+d, "/amanah.did.v1.Query/Versions", &didtypes.QueryVersionsRequest{Did: d})
	}
	read("accreditations", "/amanah.trust.v1.Query/Accreditations", &trusttypes.QueryAccreditationsRequest{})
	read("relying parties", "/amanah.trust.v1.Query/RelyingParties", &trusttypes.QueryRelyingPartiesRequest{})
	read("credential types", "/amanah.trust.v1.Query/CredentialTypes", &trusttypes.QueryCredentialTypesRequest{})
	var lists statustypes.QueryListsByOwnerResponse
	s.must(proto.Unmarshal(read("lists of "+owner, "/amanah.status.v1.Query/ListsByOwner", &statustypes.QueryListsByOwnerRequest{Owner: owner}), &lists))
	for _, l := range lists.Lists {
		// The answer names the height it was read at; the rest must not change.
		name := fmt.Sprintf("list %d", l.Id)
		var enc statustypes.QueryEncodedResponse
		s.must(proto.Unmarshal(read(name, "/amanah.status.v1.Query/Encoded", &statustypes.QueryEncodedRequest{ListId: l.Id}), &enc))
		enc.Height = 0
		bz, err := proto.Marshal(&enc)
		s.must(err)
		out[name] = bz
	}
	return out
}
