//go:build faults

package faults

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/testutil/localnet"
	"github.com/amanah-id/amanah/verifier/client"
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

// TestVerifierFailover: 4 validators, the verifier reads nodes 2 and 3. A national ID
// credential verifies; node2 is killed and the verifier keeps answering verified from node3
// (the chain goes on with 3 of 4); node3 is killed too and the verifier fails closed
// (verified=false, reason status_unknown, or gRPC UNAVAILABLE; never verified) within its
// freshness bound.
func TestVerifierFailover(t *testing.T) {
	s := newScenarioWith(t, 4, 8*time.Minute, 5*time.Second)
	cs := s.credentialStory()
	v := s.startVerifier(cs.bank, 2, 3)
	c, err := client.Dial(v.addr, client.Options{APIKey: v.apiKey})
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
	s.logf("INJECT kill -9 node2 (one of the verifier's two nodes)")
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
		case res.Verified:
			if closedAt != 0 {
				t.Fatalf("%.1fs after node3 was killed: verified again after failing closed at %.1fs", since.Seconds(), closedAt.Seconds())
			}
			verifiedAfter++
		default:
			if res.Reason != "status_unknown" {
				t.Fatalf("%.1fs after node3 was killed: refused with reason %q, want status_unknown", since.Seconds(), res.Reason)
			}
			if closedAt == 0 {
				closedAt, how = since, "verified=false reason "+res.Reason
			}
		}
		time.Sleep(200 * time.Millisecond) // pacing between requests, bounded by the loop's window
	}
	if closedAt == 0 || closedAt > bound {
		t.Fatalf("verifier did not fail closed within %s of losing both nodes (closed at %s)", bound, closedAt)
	}
	s.logf("OBSERVE fail closed %.1fs after node3 was killed (freshness bound %s): %s; %d verified answers before (cached, within the bound), none after",
		closedAt.Seconds(), verifierFreshness, how, verifiedAfter)
}

// credentialStory is a trust chain (council -> department -> issuer), a registered bank, a
// revocation list and a national ID credential in a citizen's wallet.
type credentialStory struct {
	issuer, bank string
	holder       keys.PrivateKey
	credential   string
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
		msg, did, key, err := newDID(s.c.ChainID, network, council.Address)
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
	cs.bank, _ = createDID("bank")
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
		Permissions: []trusttypes.ClaimPermission{{Vct: trusttypes.NationalIDVCT, Claims: disclosed}}}}
	rp.Signatures = didSign(rp, &rp.Payload, nrd, nrdKey)
	_, err = s.deliver(0, council, acc, rp)
	s.must(err)
	s.logf("setup: issuer accredited by the department (operator %s); bank registered as relying party", operator.Address)

	rpc := s.net.Node(0).RPC()
	var seq statustypes.QuerySequenceResponse
	s.must(query(s.ctx, rpc, "/amanah.status.v1.Query/Sequence", &statustypes.QuerySequenceRequest{Owner: cs.issuer}, &seq, 0))
	create := &statustypes.MsgCreateStatusList{Signer: operator.Address.String(), Payload: &statustypes.CreateStatusListPayload{
		Owner: cs.issuer, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION, Size_: statuslist.MinSize, Sequence: seq.Sequence}}
	create.Signatures = didSign(create, create.Payload, cs.issuer, issuerKey)
	_, err = s.deliver(0, operator, create)
	s.must(err)
	var lists statustypes.QueryListsByOwnerResponse
	s.must(query(s.ctx, rpc, "/amanah.status.v1.Query/ListsByOwner", &statustypes.QueryListsByOwnerRequest{Owner: cs.issuer}, &lists, 0))
	if len(lists.Lists) == 0 {
		s.t.Fatal("issuer's status list not found")
	}
	listID := lists.Lists[0].Id

	cs.holder, err = keys.Generate(keys.Ed25519)
	s.must(err)
	iss := &sdjwtvc.Issuer{DID: cs.issuer, KeyID: cs.issuer + "#key-1", Signer: jws.NewKeySigner(issuerKey)}
	cs.credential, err = iss.Issue(s.ctx, sdjwtvc.Credential{
		VCT:     trusttypes.NationalIDVCT,
		Claims:  map[string]any{"given_name": "Aisyah", "family_name": "Rahman", "birthdate": "1990-04-12"},
		Holder:  cs.holder.Public(),
		Status:  &sdjwtvc.StatusRef{Index: 42, URI: statustypes.ListURL(s.net.Node(0).RESTURL(), listID, "")},
		Expires: time.Now().AddDate(1, 0, 0),
	})
	s.must(err)
	s.logf("setup: revocation list %d; credential issued (status index 42)", listID)
	return cs
}

// present answers a fresh challenge with the credential, disclosing only `disclosed`.
func (cs *credentialStory) present(ctx context.Context, c *client.Client) (*client.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ch, err := c.CreateChallenge(ctx, bankAudience, []string{trusttypes.NationalIDVCT}, disclosed)
	if err != nil {
		return nil, fmt.Errorf("challenge: %w", err)
	}
	cred, err := sdjwt.Parse(cs.credential)
	if err != nil {
		return nil, err
	}
	pres, err := cred.Present(ctx, disclosed, &sdjwt.KeyBinding{Signer: jws.NewKeySigner(cs.holder), Nonce: ch.Nonce, Audience: ch.Audience})
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
	for i := range s.net.Nodes {
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
}

// startVerifier builds and starts amanah-verifier reading the given nodes (gRPC and RPC), with
// a short freshness bound, an API key for the bank, and waits until it reports SERVING. The
// process is stopped when the test ends.
func (s *scenario) startVerifier(bank string, nodes ...int) verifierProc {
	s.t.Helper()
	bin, err := localnet.BuildCommand(s.ctx, "amanah-verifier")
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
	v := verifierProc{addr: fmt.Sprintf("127.0.0.1:%d", port()), apiKey: hex.EncodeToString(key)}
	args := []string{"--listen", v.addr, "--rest", "off", "--metrics", fmt.Sprintf("127.0.0.1:%d", port()),
		"--freshness", verifierFreshness.String(), "--api-key", bank + "=" + v.apiKey}
	var names []string
	for _, i := range nodes {
		nd := s.net.Node(i)
		args = append(args, "--node", fmt.Sprintf("node%d=%s,%s", i, nd.GRPCAddr(), nd.RPCURL()))
		names = append(names, fmt.Sprintf("node%d", i))
	}
	logPath := filepath.Join(s.t.TempDir(), "verifier.log")
	logFile, err := os.Create(logPath)
	s.must(err)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	s.must(cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); _ = logFile.Close(); close(done) }()
	s.t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if s.t.Failed() {
			b, _ := os.ReadFile(logPath)
			lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
			if len(lines) > 30 {
				lines = lines[len(lines)-30:]
			}
			s.t.Logf("verifier log tail:\n%s", strings.Join(lines, "\n"))
		}
	})
	conn, err := grpc.NewClient(v.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	s.must(err)
	defer conn.Close()
	health := healthpb.NewHealthClient(conn)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		cctx, cancel := context.WithTimeout(s.ctx, time.Second)
		r, err := health.Check(cctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil && r.Status == healthpb.HealthCheckResponse_SERVING {
			s.logf("setup: amanah-verifier on %s reading %s, --freshness %s", v.addr, strings.Join(names, " and "), verifierFreshness)
			return v
		}
		select {
		case <-done:
			s.t.Fatalf("verifier exited during start-up")
		case <-time.After(200 * time.Millisecond): // poll the starting process until the deadline
		}
	}
	s.t.Fatalf("verifier not SERVING within 60s")
	return v
}
