//go:build faults

package faults

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	"github.com/cosmos/gogoproto/proto"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/app"
	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/verifier/client"
	ledgernode "github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

const (
	bankAudience = "https://checkout.bank.example"
	// verifierFreshness is the verifier's --freshness: it must refuse once its newest block is
	// older than this. With one of 4 validators dead, its turns as proposer cost the localnet's
	// timeout_propose (3 s) on top of the 1 s block time, so blocks can be ~5 s apart while the
	// chain is healthy; a 5 s bound would (correctly) refuse then. 10 s is the shortest bound
	// that keeps a live 3-of-4 chain fresh.
	verifierFreshness = 10 * time.Second
)

var disclosed = []string{"age_over_18", "given_name"}

// TestVerifierFailover: 4 validators, the verifier reads nodes 2 and 3 (node2 its light
// client's primary, node3 the witness; proofs from either). A national ID credential verifies;
// node2 is killed and the verifier keeps answering verified from node3 (the chain goes on with
// 3 of 4); node3 is killed too and the verifier fails closed (verified=false with reason
// status_stale or status_unknown, or gRPC UNAVAILABLE; never verified) within its freshness
// bound (judged by the block time of its newest verified state).
func TestVerifierFailover(t *testing.T) {
	s := newScenarioWith(t, 4, 8*time.Minute, 5*time.Second)
	cs := s.credentialStory()
	v := s.startVerifier(cs.bank, 2, 3)
	c, err := client.Dial(v.addr, client.Options{APIKey: v.apiKey, Insecure: true})
	s.must(err)
	defer c.Close()

	res, err := cs.present(s.ctx, c)
	s.must(err)
	if !res.Verified {
		t.Fatalf("baseline: not verified: %s", res.Reason)
	}
	s.logf("OBSERVE baseline: verified at ledger height %d with nodes 2 and 3 up", res.Height)

	s.must(s.net.Kill(2))
	killed := time.Now()
	s.logf("INJECT kill -9 node2 (the verifier's primary, one of its two nodes)")
	// For three freshness bounds, every answer must be verified, and the verifier's height must
	// move on (it follows node3, not a stale cache).
	var answers int
	var firstH, lastH int64
	for time.Since(killed) < 3*verifierFreshness {
		res, err := cs.present(s.ctx, c)
		if err != nil {
			t.Fatalf("%.1fs after node2 was killed: %v", time.Since(killed).Seconds(), err)
		}
		if !res.Verified {
			t.Fatalf("%.1fs after node2 was killed: refused (%s) although node3 is up", time.Since(killed).Seconds(), res.Reason)
		}
		if answers == 0 {
			firstH = res.Height
		}
		lastH = res.Height
		answers++
		time.Sleep(250 * time.Millisecond) // pacing between requests, bounded by the loop's window
	}
	if lastH <= firstH {
		t.Fatalf("verifier height stuck at %d for %s after node2 was killed", lastH, 3*verifierFreshness)
	}
	s.logf("OBSERVE failover: %d answers in %s after node2 was killed, all verified; ledger height %d -> %d (from node3)",
		answers, 3*verifierFreshness, firstH, lastH)

	s.must(s.net.Kill(3))
	killed = time.Now()
	s.logf("INJECT kill -9 node3 (the verifier's last node; the chain also halts, 2 of 4 down)")
	bound := verifierFreshness + 3*time.Second // the bound plus the verifier's tick and the request
	var closedAt time.Duration
	var how string
	closedHow := map[string]int{}
	verifiedAfter := 0
	for time.Since(killed) < bound+3*time.Second {
		res, err := cs.present(s.ctx, c)
		since := time.Since(killed)
		switch {
		case err != nil:
			if status.Code(errors.Unwrap(err)) != codes.Unavailable && status.Code(err) != codes.Unavailable {
				t.Fatalf("%.1fs after node3 was killed: error %v, want verified=false or UNAVAILABLE", since.Seconds(), err)
			}
			if closedAt == 0 {
				closedAt, how = since, "gRPC UNAVAILABLE: "+err.Error()
			}
			closedHow["UNAVAILABLE"]++
		case res.Verified:
			if closedAt != 0 {
				t.Fatalf("%.1fs after node3 was killed: verified again after failing closed at %.1fs", since.Seconds(), closedAt.Seconds())
			}
			verifiedAfter++
		default:
			// status_stale: the request's status age bound (--freshness) has passed by the block
			// time of the newest state; status_unknown: nothing fresh to read.
			if res.Reason != "status_unknown" && res.Reason != "status_stale" {
				t.Fatalf("%.1fs after node3 was killed: refused with reason %q, want status_stale or status_unknown", since.Seconds(), res.Reason)
			}
			closedHow[res.Reason]++
			if closedAt == 0 {
				closedAt, how = since, "verified=false reason "+res.Reason
			}
		}
		time.Sleep(200 * time.Millisecond) // pacing between requests, bounded by the loop's window
	}
	if closedAt == 0 || closedAt > bound {
		t.Fatalf("verifier did not fail closed within %s of losing both nodes (closed at %s)", bound, closedAt)
	}
	s.logf("OBSERVE fail closed %.1fs after node3 was killed (freshness bound %s, by block time): %s; %d verified answers before (cached, within the bound), none after; refusals %v",
		closedAt.Seconds(), verifierFreshness, how, verifiedAfter, closedHow)
}

// credentialStory is a trust chain (council -> department -> issuer), a registered bank, a
// revocation list and a national ID credential in a citizen's wallet (status index 42, valid).
type credentialStory struct {
	issuer, bank string
	issuerKey    keys.PrivateKey
	operator     txclient.Signer        // the issuer's operator account (sends its status updates)
	list         statustypes.StatusList // the issuer's revocation list
	statusBase   string                 // the REST base the credentials' status URIs name
	wallet
}

// wallet is a credential and its holder's key.
type wallet struct {
	holder     keys.PrivateKey
	credential string
}

// credentialStory builds the trust chain as `make demo` does: a council vote registers the
// credential type and accredits the department; the department accredits an issuer (with an
// operator account) and registers a bank; the issuer creates a revocation list and issues.
func (s *scenario) credentialStory() *credentialStory {
	s.t.Helper()
	network := s.didNetwork()
	council, err := s.c.AgencySigner(s.net, 0)
	s.must(err)
	createDID := func(what string) (string, keys.PrivateKey) {
		msg, did, key, err := txclient.NewDID(s.c.ChainID, network, council.Address)
		s.must(err)
		_, err = s.deliver(0, council, msg)
		s.must(err)
		s.logf("setup: %s DID %s", what, did)
		return did, key
	}
	didSign := func(msg sdk.Msg, payload proto.Message, did string, key keys.PrivateKey) []didtypes.DidSignature {
		sig, err := didtypes.Sign(s.c.ChainID, sdk.MsgTypeURL(msg), payload, did+"#key-1", key)
		s.must(err)
		return []didtypes.DidSignature{sig}
	}
	nrd, nrdKey := createDID("department")
	now := time.Now().UTC().Truncate(time.Second)
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	s.councilDecision("accredit the department",
		&trusttypes.MsgRegisterCredentialType{Signer: gov, Payload: trusttypes.CredentialTypePayload{
			Vct: trusttypes.NationalIDVCT, Version: 1, DisplayName: "National identity credential",
			Schema: `{"type":"object","properties":{"given_name":{"type":"string"},"family_name":{"type":"string"},` +
				`"birthdate":{"type":"string"},"age_over_18":{"type":"boolean"}}}`,
			SelectivelyDisclosable: []string{"given_name", "family_name", "birthdate", "age_over_18"},
		}},
		&trusttypes.MsgAccredit{Signer: gov, Payload: trusttypes.AccreditPayload{Id: "council-nrd", Accredited: nrd,
			Role: trusttypes.ROLE_ACCREDITATION_BODY, Vcts: []string{trusttypes.NationalIDVCT},
			ValidFrom: now.Add(-time.Hour), ValidUntil: now.AddDate(5, 0, 0)}})

	cs := &credentialStory{}
	var issuerKey keys.PrivateKey
	cs.issuer, issuerKey = createDID("issuer")
	var bankKey keys.PrivateKey
	cs.bank, bankKey = createDID("bank")
	operator, err := s.c.NewMemSigner("issuer-operator")
	s.must(err)
	_, err = s.deliver(0, council, banktypes.NewMsgSend(council.Address, operator.Address, sdk.NewCoins(sdk.NewInt64Coin(localnet.TestDenom, 1))))
	s.must(err)
	acc := &trusttypes.MsgAccredit{Signer: council.Address.String(), Payload: trusttypes.AccreditPayload{Id: "nrd-issuer",
		Accreditor: nrd, Accredited: cs.issuer, Role: trusttypes.ROLE_ISSUER, Vcts: []string{trusttypes.NationalIDVCT},
		ValidFrom: now.Add(-time.Minute), ValidUntil: now.AddDate(1, 0, 0), Operator: operator.Address.String()}}
	acc.Signatures = didSign(acc, &acc.Payload, nrd, nrdKey)
	rp := &trusttypes.MsgRegisterRelyingParty{Signer: council.Address.String(), Payload: trusttypes.RelyingPartyPayload{
		Did: cs.bank, LegalName: "Bank Amanah Berhad", RegistrationNumber: "199001012345", Registrar: nrd, Version: 1,
		Status:      trusttypes.RELYING_PARTY_STATUS_ACTIVE,
		Permissions: []trusttypes.ClaimPermission{{Vct: trusttypes.NationalIDVCT, Claims: disclosed}},
		Audiences:   []string{bankAudience}}}
	rp.Signatures = didSign(rp, &rp.Payload, nrd, nrdKey)
	rp.RelyingPartySignatures = didSign(rp, &rp.Payload, cs.bank, bankKey)
	_, err = s.deliver(0, council, acc, rp)
	s.must(err)
	s.logf("setup: issuer accredited by the department (operator %s); bank registered as relying party", operator.Address)

	rpc := s.net.Node(0).RPC()
	var seq statustypes.QuerySequenceResponse
	s.must(query(s.ctx, rpc, "/amanah.status.v1.Query/Sequence", &statustypes.QuerySequenceRequest{Owner: cs.issuer}, &seq, 0))
	create := &statustypes.MsgCreateStatusList{Signer: operator.Address.String(), Payload: &statustypes.CreateStatusListPayload{
		Owner: cs.issuer, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION, Size_: statuslist.MinSize, Sequence: seq.Sequence}}
	create.Signatures = didSign(create, create.Payload, cs.issuer, issuerKey)
	created, err := s.deliver(0, operator, create)
	s.must(err)
	var lists statustypes.QueryListsByOwnerResponse
	s.must(query(s.ctx, rpc, "/amanah.status.v1.Query/ListsByOwner", &statustypes.QueryListsByOwnerRequest{Owner: cs.issuer}, &lists, 0))
	if len(lists.Lists) == 0 {
		s.t.Fatal("issuer's status list not found")
	}
	cs.issuerKey, cs.operator, cs.list, cs.statusBase = issuerKey, operator, lists.Lists[0], s.net.Node(0).RESTURL()
	cs.wallet, err = cs.issue(s.ctx, issuerKey, 42)
	s.must(err)
	s.settled(created.Height)
	s.logf("setup: revocation list %d (%d bits per entry) created at height %d; credential issued (status index 42)",
		cs.list.Id, cs.list.Bits, created.Height)
	return cs
}

// settled waits until every node has committed block h+2: a verifier reads state h through
// header h+1, so one started from then on reads a state that includes block h's transactions.
func (s *scenario) settled(h int64) {
	s.t.Helper()
	s.must(s.waitAll(60*time.Second, h+2, all(len(s.net.Nodes))...))
}

// issue issues a national ID credential with status entry index to a fresh holder, signed with
// signer as the issuer's #key-1 (the issuer's own key, or another one to forge a credential).
func (cs *credentialStory) issue(ctx context.Context, signer keys.PrivateKey, index uint32) (wallet, error) {
	holder, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return wallet{}, err
	}
	iss := &sdjwtvc.Issuer{DID: cs.issuer, KeyID: cs.issuer + "#key-1", Signer: jws.NewKeySigner(signer)}
	cred, err := iss.Issue(ctx, sdjwtvc.Credential{
		VCT:     trusttypes.NationalIDVCT,
		Claims:  map[string]any{"given_name": "Aisyah", "family_name": "Rahman", "birthdate": "1990-04-12"},
		Holder:  holder.Public(),
		Status:  &sdjwtvc.StatusRef{Index: uint64(index), URI: statustypes.ListURL(cs.statusBase, cs.list.Id, "")},
		Expires: time.Now().AddDate(1, 0, 0),
	})
	return wallet{holder: holder, credential: cred}, err
}

// setStatus writes value at entry index of the story's list (signed by the issuer, sent by its
// operator through node 0), checks node 0 reads it back, waits until it is settled, and returns
// the commit height.
func (s *scenario) setStatus(cs *credentialStory, index uint32, value byte) int64 {
	s.t.Helper()
	rpc := s.net.Node(0).RPC()
	var seq statustypes.QuerySequenceResponse
	s.must(query(s.ctx, rpc, "/amanah.status.v1.Query/Sequence", &statustypes.QuerySequenceRequest{Owner: cs.issuer}, &seq, 0))
	upd := &statustypes.MsgUpdateStatusList{Signer: cs.operator.Address.String(), Payload: &statustypes.UpdateStatusListPayload{
		ListId: cs.list.Id, Sequence: seq.Sequence, Indices: []uint32{index}, Values: []byte{value}}}
	sig, err := didtypes.Sign(s.c.ChainID, sdk.MsgTypeURL(upd), upd.Payload, cs.issuer+"#key-1", cs.issuerKey)
	s.must(err)
	upd.Signatures = []didtypes.DidSignature{sig}
	res, err := s.deliver(0, cs.operator, upd)
	s.must(err)
	var e statustypes.QueryEntryResponse
	s.must(query(s.ctx, rpc, "/amanah.status.v1.Query/Entry", &statustypes.QueryEntryRequest{ListId: cs.list.Id, Index: index}, &e, res.Height))
	if e.Status != uint32(value) {
		s.t.Fatalf("list %d entry %d reads %d at height %d, wrote %d", cs.list.Id, index, e.Status, res.Height, value)
	}
	s.settled(res.Height)
	return res.Height
}

// present answers a fresh challenge with the credential, disclosing only `disclosed`.
func (w *wallet) present(ctx context.Context, c *client.Client) (*client.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ch, err := c.CreateChallenge(ctx, bankAudience, []string{trusttypes.NationalIDVCT}, disclosed)
	if err != nil {
		return nil, fmt.Errorf("challenge: %w", err)
	}
	cred, err := sdjwt.Parse(w.credential)
	if err != nil {
		return nil, err
	}
	pres, err := cred.Present(ctx, disclosed, &sdjwt.KeyBinding{Signer: jws.NewKeySigner(w.holder), Nonce: ch.Nonce, Audience: ch.Audience})
	if err != nil {
		return nil, err
	}
	return c.Verify(ctx, pres, ch.Nonce, client.Policy{AcceptedVCTs: []string{trusttypes.NationalIDVCT}, RequiredClaims: disclosed})
}

// councilDecision submits msgs as a gov proposal from agency 0, has every agency vote Yes and
// waits until the proposal passed.
func (s *scenario) councilDecision(title string, msgs ...sdk.Msg) {
	s.t.Helper()
	member, err := s.c.AgencySigner(s.net, 0)
	s.must(err)
	submit, err := govv1.NewMsgSubmitProposal(msgs, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1000)),
		member.Address.String(), "", title, title, false)
	s.must(err)
	_, err = s.deliver(0, member, submit)
	s.must(err)
	rpc := s.net.Node(0).RPC()
	var props govv1.QueryProposalsResponse
	s.must(query(s.ctx, rpc, "/cosmos.gov.v1.Query/Proposals", &govv1.QueryProposalsRequest{}, &props, 0))
	if len(props.Proposals) == 0 {
		s.t.Fatal("proposal not found")
	}
	id := props.Proposals[len(props.Proposals)-1].Id
	for i := range s.members {
		voter, err := s.c.AgencySigner(s.net, i)
		s.must(err)
		_, err = s.deliver(i, voter, govv1.NewMsgVote(voter.Address, id, govv1.OptionYes, ""))
		s.must(err)
	}
	deadline := time.Now().Add(s.net.Config.VotingPeriod + time.Minute)
	for time.Now().Before(deadline) {
		var p govv1.QueryProposalResponse
		s.must(query(s.ctx, rpc, "/cosmos.gov.v1.Query/Proposal", &govv1.QueryProposalRequest{ProposalId: id}, &p, 0))
		switch p.Proposal.Status {
		case govv1.StatusPassed:
			s.logf("setup: council decision %d %q passed", id, title)
			return
		case govv1.StatusVotingPeriod, govv1.StatusDepositPeriod:
		default:
			s.t.Fatalf("proposal %d %s: %s", id, p.Proposal.Status, p.Proposal.FailedReason)
		}
		time.Sleep(250 * time.Millisecond) // poll until the deadline
	}
	s.t.Fatalf("proposal %d not decided within %s", id, s.net.Config.VotingPeriod+time.Minute)
}

// verifierProc is a running amanah-verifier process.
type verifierProc struct {
	addr, apiKey string
	metrics      string // the metrics listener, 127.0.0.1:<port>
	nodes        string // the --node names, primary first
	logPath      string
	conn         *grpc.ClientConn // health checks
	done         chan struct{}    // closed when the process has exited
	stop         func()           // SIGTERM (then SIGKILL after 10 s) and wait; idempotent
}

// verifierStartup bounds a verifier's start until SERVING: with a witness, its light client's
// first update can wait 2 x MaxClockDrift + MaxBlockLag (30 s) for a witness a block behind.
const verifierStartup = 90 * time.Second

// verifierNode is one --node of the verifier: a name and a CometBFT RPC URL (a node's, or a
// proxy's in front of one).
type verifierNode struct{ name, url string }

// rpcNode is node i's RPC as a verifier node.
func (s *scenario) rpcNode(i int) verifierNode {
	return verifierNode{name: fmt.Sprintf("node%d", i), url: s.net.Node(i).RPCURL()}
}

// startVerifier starts amanah-verifier reading the given nodes (the first is the light
// client's primary, the others its witnesses) and waits until it reports SERVING.
func (s *scenario) startVerifier(bank string, nodes ...int) *verifierProc {
	s.t.Helper()
	var vn []verifierNode
	for _, i := range nodes {
		vn = append(vn, s.rpcNode(i))
	}
	v := s.launchVerifier(bank, vn...)
	s.waitServing(v, verifierStartup)
	return v
}

// trustRootFile writes the verifier's trust root, node 0's block s.trustRootHeight (block 1 if
// unset; trust on first use: the test runs the node), to a file and returns its path.
func (s *scenario) trustRootFile() string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	lb, err := proved.FetchLightBlock(ctx, s.net.Node(0).RPCURL(), max(s.trustRootHeight, 1), nil, true)
	s.must(err)
	f, err := ledgernode.NewTrustRootFile(lb)
	s.must(err)
	bz, err := json.MarshalIndent(f, "", "  ")
	s.must(err)
	path := filepath.Join(s.t.TempDir(), "trust-root.json")
	s.must(os.WriteFile(path, bz, 0o600))
	return path
}

// verifierBinaryEnv names an environment variable that, when set, is the amanah-verifier
// binary the tests run instead of building one (to run the suite against another version).
const verifierBinaryEnv = "AMANAH_VERIFIER_BINARY"

// verifierBuild is amanah-verifier built once per test binary: every verifier a run starts is
// the same program, even while the checkout changes under it.
var verifierBuild struct {
	once sync.Once
	path string
	err  error
}

func verifierBinary(ctx context.Context) (string, error) {
	verifierBuild.once.Do(func() {
		if bin := os.Getenv(verifierBinaryEnv); bin != "" {
			if _, err := os.Stat(bin); err != nil {
				verifierBuild.err = fmt.Errorf("$%s: %w", verifierBinaryEnv, err)
				return
			}
			verifierBuild.path, verifierBuild.err = filepath.Abs(bin)
			return
		}
		verifierBuild.path, verifierBuild.err = localnet.BuildCommand(ctx, "amanah-verifier")
	})
	return verifierBuild.path, verifierBuild.err
}

// launchVerifier builds (once) and starts amanah-verifier over nodes (the first is the light
// client's primary), trusting node 0's block 1, with a short freshness bound and an API key for
// the bank; it does not wait for it to be ready. The process is stopped when the test ends (or
// by stop).
func (s *scenario) launchVerifier(bank string, nodes ...verifierNode) *verifierProc {
	s.t.Helper()
	bin, err := verifierBinary(s.ctx)
	s.must(err)
	port := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		s.must(err)
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
	key := make([]byte, 16)
	_, err = rand.Read(key)
	s.must(err)
	v := &verifierProc{addr: fmt.Sprintf("127.0.0.1:%d", port()), metrics: fmt.Sprintf("127.0.0.1:%d", port()),
		apiKey: hex.EncodeToString(key), done: make(chan struct{})}
	args := []string{"--listen", v.addr, "--rest", "off", "--metrics", v.metrics,
		"--freshness", verifierFreshness.String(),
		"--trust-root", s.trustRootFile(), "--allow-plaintext-nodes"}
	var names []string
	for _, n := range nodes {
		args = append(args, "--node", n.name+"="+n.url)
		names = append(names, n.name)
	}
	v.nodes = strings.Join(names, ", ")
	v.logPath = filepath.Join(s.t.TempDir(), "verifier.log")
	logFile, err := os.Create(v.logPath)
	s.must(err)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "AMANAH_VERIFIER_API_KEYS="+bank+"="+v.apiKey) // keys never on the command line
	cmd.Stdout, cmd.Stderr = logFile, logFile
	s.must(cmd.Start())
	go func() { _ = cmd.Wait(); _ = logFile.Close(); close(v.done) }()
	var once sync.Once
	v.stop = func() {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-v.done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-v.done
			}
			if v.conn != nil {
				_ = v.conn.Close()
			}
		})
	}
	s.t.Cleanup(func() {
		v.stop()
		if s.t.Failed() {
			// The last 30 lines other than the audit log's verifications, and the last 5 of those.
			b, _ := os.ReadFile(v.logPath)
			var other, audit []string
			for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
				if strings.Contains(l, `"msg":"verification"`) {
					audit = append(audit, l)
				} else {
					other = append(other, l)
				}
			}
			n := len(audit)
			other, audit = other[max(0, len(other)-30):], audit[max(0, n-5):]
			s.t.Logf("verifier (%s) log tail:\n%s\n(%d verifications; the last:)\n%s", v.nodes, strings.Join(other, "\n"),
				n, strings.Join(audit, "\n"))
		}
	})
	v.conn, err = grpc.NewClient(v.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	s.must(err)
	s.logf("setup: amanah-verifier on %s reading %s (first: primary), trust root node0 block %d, --freshness %s",
		v.addr, v.nodes, max(s.trustRootHeight, 1), verifierFreshness)
	return v
}

// health returns the verifier's gRPC health status.
func (v *verifierProc) health(ctx context.Context) (healthpb.HealthCheckResponse_ServingStatus, error) {
	cctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	r, err := healthpb.NewHealthClient(v.conn).Check(cctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		return healthpb.HealthCheckResponse_UNKNOWN, err
	}
	return r.Status, nil
}

// waitServing waits until the verifier reports SERVING.
func (s *scenario) waitServing(v *verifierProc, timeout time.Duration) {
	s.t.Helper()
	start := time.Now()
	for time.Since(start) < timeout {
		if st, err := v.health(s.ctx); err == nil && st == healthpb.HealthCheckResponse_SERVING {
			s.logf("setup: amanah-verifier (%s) SERVING after %.1fs", v.nodes, time.Since(start).Seconds())
			return
		}
		select {
		case <-v.done:
			s.t.Fatalf("verifier (%s) exited during start-up", v.nodes)
		case <-time.After(200 * time.Millisecond): // poll the starting process until the deadline
		}
	}
	s.t.Fatalf("verifier (%s) not SERVING within %s", v.nodes, timeout)
}

// gauge reads one unlabelled metric from the verifier's metrics listener.
func (v *verifierProc) gauge(ctx context.Context, name string) (float64, error) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, "http://"+v.metrics+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	hc := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(body), "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			return strconv.ParseFloat(strings.TrimSpace(rest), 64)
		}
	}
	return 0, fmt.Errorf("metric %s not exported", name)
}

// logCount counts the occurrences of substr in the verifier's log.
func (v *verifierProc) logCount(substr string) int {
	b, _ := os.ReadFile(v.logPath)
	return strings.Count(string(b), substr)
}
