package main

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
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/verifier/client"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	"github.com/amanah-id/amanah/verifier/reason"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// bankAudience is the audience the bank's checkout binds challenges to.
const bankAudience = "https://checkout.bank.example"

// disclosed are the only claims the citizen's wallet reveals to the bank.
var disclosed = []string{"age_over_18", "given_name"}

// story is the credential part of the demo: trust chain, issuance, presentation, verification
// and revocation through the verifier service.
type story struct {
	d       *demo
	net     *localnet.Net
	l       *ledger
	dir     string
	council txclient.Signer

	nrd, issuer, bank         string
	nrdKey, issuerKey, holder keys.PrivateKey
	operator                  txclient.Signer
	listID                    uint64
	credential                string
	verifierCmd               *exec.Cmd
	verifierAddr, bankAPIKey  string
	verifierLog               string
	verifierDone              chan struct{}
	revocationLatency         time.Duration
	revocationFromSubmit      time.Duration
	revocationBlocks          int64
	// The verifier's trust root, the metrics address, and what the demo proved.
	rootFile, metricsAddr       string
	root                        *cmttypes.LightBlock
	evidenceFile                string
	evidenceRechecked           bool
	accreditationRevokedRefused bool
	proofsChecked               int64
	oid                         *oidState // issuance over OpenID4VCI (oid4vci.go)
	oid4vp                      oid4vpDemo
}

func (s *story) run(ctx context.Context) {
	ok := s.d.run("the council accredits the National Registration Department", s.accreditDepartment)
	ok = ok && s.d.run("the department accredits an issuer and registers a bank as relying party", s.accreditIssuer)
	ok = ok && s.d.run("the agency's amanah-issuer offers a batch; the wallet receives it over OpenID4VCI from the offer URI alone", func() (string, error) { return s.receiveBatch(ctx) })
	ok = ok && s.d.run("start the verifier against the node", func() (string, error) { return s.startVerifier(ctx) })
	ok = ok && s.d.run("the bank asks over OpenID4VP; the wallet, given only the request URI, checks the bank on the ledger and discloses only age_over_18 and given_name; verified", func() (string, error) { return s.presentOpenID4VP(ctx) })
	ok = ok && s.d.run("the bank asks for a challenge and keeps the verdict's evidence; verified", func() (string, error) { return s.verify(ctx) })
	ok = ok && s.d.run("another credential of the batch goes to a second relying party; nothing links the two presentations", func() (string, error) { return s.presentToSecondParty(ctx) })
	ok = ok && s.d.run("an auditor re-checks the saved verdict's evidence offline against the trust root", func() (string, error) { return s.recheckEvidence(ctx) })
	ok = ok && s.d.run("the department revokes a second issuer's accreditation; the verifier refuses its credential", func() (string, error) { return s.revokeAccreditation(ctx) })
	ok = ok && s.d.run("the issuer revokes; the verifier refuses the credential", func() (string, error) { return s.revokeBatch(ctx) })
	ok = ok && s.d.run("the verifier proved every ledger fact it used", func() (string, error) { return s.countProofs(ctx) })
	_ = ok && s.d.run("no personal data reached the ledger", func() (string, error) { return s.checkNoPersonalData(ctx) })
}

func (s *story) stop() {
	s.stopIssuer()
	if s.verifierCmd == nil || s.verifierCmd.Process == nil {
		return
	}
	_ = s.verifierCmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.verifierDone:
	case <-time.After(10 * time.Second):
		_ = s.verifierCmd.Process.Kill()
		<-s.verifierDone
	}
}

func (s *story) accreditDepartment() (string, error) {
	ctx := context.Background()
	var err error
	if s.nrd, s.nrdKey, err = s.l.createDID(ctx, s.council); err != nil {
		return "", fmt.Errorf("department DID: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	err = s.l.councilDecision(ctx, s.council, "Accredit the National Registration Department",
		&trusttypes.MsgRegisterCredentialType{Signer: gov, Payload: trusttypes.CredentialTypePayload{
			Vct: trusttypes.NationalIDVCT, Version: 1, DisplayName: "National identity credential",
			Schema: trusttypes.NationalIDSchema, SelectivelyDisclosable: trusttypes.NationalIDClaims,
		}},
		&trusttypes.MsgAccredit{Signer: gov, Payload: trusttypes.AccreditPayload{Id: "council-nrd", Accredited: s.nrd,
			Role: trusttypes.ROLE_ACCREDITATION_BODY, Vcts: []string{trusttypes.NationalIDVCT},
			ValidFrom: now.Add(-time.Hour), ValidUntil: now.AddDate(5, 0, 0)}})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is an accreditation body for %s (council vote passed)", s.nrd, trusttypes.NationalIDVCT), nil
}

func (s *story) accreditIssuer() (string, error) {
	ctx := context.Background()
	var err error
	if s.issuer, s.issuerKey, err = s.l.createDID(ctx, s.council); err != nil {
		return "", fmt.Errorf("issuer DID: %w", err)
	}
	var bankKey keys.PrivateKey
	if s.bank, bankKey, err = s.l.createDID(ctx, s.council); err != nil {
		return "", fmt.Errorf("bank DID: %w", err)
	}
	s.oid4vp.bankKey = bankKey
	if s.operator, err = s.l.client.NewMemSigner("issuer-operator"); err != nil {
		return "", err
	}
	// The operator account needs to exist on chain to sign; a member funds it.
	if _, err := s.l.deliver(ctx, s.council, banktypes.NewMsgSend(s.council.Address, s.operator.Address,
		sdk.NewCoins(sdk.NewInt64Coin("uamn", 1)))); err != nil {
		return "", fmt.Errorf("open the operator account: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	acc := &trusttypes.MsgAccredit{Signer: s.council.Address.String(), Payload: trusttypes.AccreditPayload{Id: "nrd-issuer",
		Accreditor: s.nrd, Accredited: s.issuer, Role: trusttypes.ROLE_ISSUER, Vcts: []string{trusttypes.NationalIDVCT},
		ValidFrom: now.Add(-time.Minute), ValidUntil: now.AddDate(1, 0, 0), Operator: s.operator.Address.String()}}
	if acc.Signatures, err = s.l.didSign(acc, &acc.Payload, s.nrd+"#key-1", s.nrdKey); err != nil {
		return "", err
	}
	if _, err := s.l.deliver(ctx, s.council, acc); err != nil {
		return "", fmt.Errorf("accredit issuer: %w", err)
	}
	rp := &trusttypes.MsgRegisterRelyingParty{Signer: s.council.Address.String(), Payload: trusttypes.RelyingPartyPayload{
		Did: s.bank, LegalName: "Bank Amanah Berhad", RegistrationNumber: "199001012345", Registrar: s.nrd, Version: 1,
		Status:      trusttypes.RELYING_PARTY_STATUS_ACTIVE,
		Permissions: []trusttypes.ClaimPermission{{Vct: trusttypes.NationalIDVCT, Claims: disclosed}},
		Audiences:   s.bankAudiences()}}
	if rp.Signatures, err = s.l.didSign(rp, &rp.Payload, s.nrd+"#key-1", s.nrdKey); err != nil {
		return "", err
	}
	// The bank consents: it signs the same registration, its audience included, with its own key.
	if rp.RelyingPartySignatures, err = s.l.didSign(rp, &rp.Payload, s.bank+"#key-1", bankKey); err != nil {
		return "", err
	}
	if _, err := s.l.deliver(ctx, s.council, rp); err != nil {
		return "", fmt.Errorf("register bank: %w", err)
	}
	res, err := trusttypes.NewQueryClient(s.l.conn).IsAccredited(ctx, &trusttypes.QueryIsAccreditedRequest{Did: s.issuer, Vct: trusttypes.NationalIDVCT})
	if err != nil {
		return "", err
	}
	if !res.Accredited {
		return "", fmt.Errorf("issuer not accredited: %s", res.Reason)
	}
	return fmt.Sprintf("issuer %s accredited (chain of %d links); bank %s (signed its registration) may ask for %s at %s",
		s.issuer, len(res.Chain), s.bank, strings.Join(disclosed, ", "), bankAudience), nil
}

func (s *story) startVerifier(ctx context.Context) (string, error) {
	bin, err := localnet.BuildCommand(ctx, "amanah-verifier")
	if err != nil {
		return "", err
	}
	grpcPort, err := freePort()
	if err != nil {
		return "", err
	}
	metricsPort, err := freePort()
	if err != nil {
		return "", err
	}
	s.verifierAddr = fmt.Sprintf("127.0.0.1:%d", grpcPort)
	s.metricsAddr = fmt.Sprintf("127.0.0.1:%d", metricsPort)
	key := make([]byte, 16)
	if _, err := rand.Read(key); err != nil {
		return "", err
	}
	s.bankAPIKey = hex.EncodeToString(key)
	nd := s.net.Node(0)
	// The operator's trust root: block 1 of the node the demo runs (trust on first use;
	// `amanah trust-root --node <url>` does the same for an operator's own node).
	if s.root, err = proved.FetchLightBlock(ctx, nd.RPCURL(), 1, nil, true); err != nil {
		return "", fmt.Errorf("trust root: %w", err)
	}
	rf, err := node.NewTrustRootFile(s.root)
	if err != nil {
		return "", err
	}
	rb, _ := json.MarshalIndent(rf, "", "  ")
	s.rootFile = filepath.Join(s.dir, "trust-root.json")
	if err := os.WriteFile(s.rootFile, rb, 0o600); err != nil {
		return "", err
	}
	s.verifierLog = filepath.Join(s.dir, "verifier.log")
	logFile, err := os.Create(s.verifierLog)
	if err != nil {
		return "", err
	}
	defer logFile.Close()
	oidArgs, err := s.oid4vpVerifierArgs()
	if err != nil {
		return "", err
	}
	s.verifierCmd = exec.Command(bin, append([]string{
		"--listen", s.verifierAddr, "--rest", "off", "--metrics", fmt.Sprintf("127.0.0.1:%d", metricsPort),
		"--node", "node0=" + nd.RPCURL(), "--allow-plaintext-nodes", "--trust-root", s.rootFile, "--reflection"}, oidArgs...)...)
	// The API key goes in the environment, never on the command line (ps shows that).
	s.verifierCmd.Env = append(os.Environ(), "AMANAH_VERIFIER_API_KEYS="+s.bank+"="+s.bankAPIKey)
	s.verifierCmd.Stdout, s.verifierCmd.Stderr = logFile, logFile
	if err := s.verifierCmd.Start(); err != nil {
		return "", err
	}
	s.verifierDone = make(chan struct{})
	go func() { _ = s.verifierCmd.Wait(); close(s.verifierDone) }()
	conn, err := grpc.NewClient(s.verifierAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return "", err
	}
	defer conn.Close()
	health := healthpb.NewHealthClient(conn)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		r, err := health.Check(cctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil && r.Status == healthpb.HealthCheckResponse_SERVING {
			return fmt.Sprintf("amanah-verifier serving on %s; every ledger fact read from node0 with a Merkle proof against headers its light client verified from the trust root (height %d, %X)",
				s.verifierAddr, s.root.Height, s.root.Hash()[:8]), nil
		}
		select { // poll the just-started process until the deadline, unless it exits
		case <-s.verifierDone:
			return "", fmt.Errorf("verifier exited; its log ends:\n%s", localnet.FileTail(s.verifierLog, 15))
		case <-time.After(200 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("verifier not SERVING within 60s; its log ends:\n%s", localnet.FileTail(s.verifierLog, 15))
}

// present answers a fresh challenge with the wallet's credential, disclosing only `disclosed`.
func (s *story) present(ctx context.Context, c *client.Client) (*client.Result, error) {
	return s.presentCredential(ctx, c, s.credential, s.holder, false)
}

// presentCredential answers a fresh challenge with credential, held with holder's key.
func (s *story) presentCredential(ctx context.Context, c *client.Client, credential string, holder keys.PrivateKey, evidence bool) (*client.Result, error) {
	ch, err := c.CreateChallenge(ctx, bankAudience, []string{trusttypes.NationalIDVCT}, disclosed)
	if err != nil {
		return nil, fmt.Errorf("challenge: %w", err)
	}
	cred, err := sdjwt.Parse(credential)
	if err != nil {
		return nil, err
	}
	pres, err := cred.Present(ctx, disclosed, &sdjwt.KeyBinding{Signer: jws.NewKeySigner(holder), Nonce: ch.Nonce, Audience: ch.Audience})
	if err != nil {
		return nil, err
	}
	return c.Verify(ctx, pres, ch.Nonce, client.Policy{AcceptedVCTs: []string{trusttypes.NationalIDVCT}, RequiredClaims: disclosed, Evidence: evidence})
}

func (s *story) dial() (*client.Client, error) {
	return client.Dial(s.verifierAddr, client.Options{APIKey: s.bankAPIKey, Insecure: true}) // a loopback verifier
}

func (s *story) verify(ctx context.Context) (string, error) {
	c, err := s.dial()
	if err != nil {
		return "", err
	}
	defer c.Close()
	// A page on another origin cannot get a challenge in the bank's name: the bank's
	// registration, which it signed, lists only its checkout origin.
	const phishing = "https://checkout.bank-example.evil"
	if _, err := c.CreateChallenge(ctx, phishing, []string{trusttypes.NationalIDVCT}, disclosed); reason.OfError(err) != reason.AudienceNotRegistered {
		return "", fmt.Errorf("a challenge for %s: %v, want %s", phishing, err, reason.AudienceNotRegistered)
	}
	res, err := s.presentCredential(ctx, c, s.credential, s.holder, true)
	if err != nil {
		return "", err
	}
	if !res.Verified {
		return "", fmt.Errorf("not verified: %s", res.Reason)
	}
	if res.Raw.Evidence == nil {
		return "", errors.New("the verifier gave no evidence")
	}
	eb, err := node.MarshalEvidence(res.Raw.Evidence)
	if err != nil {
		return "", err
	}
	s.evidenceFile = filepath.Join(s.dir, "verdict-evidence.json")
	if err := os.WriteFile(s.evidenceFile, eb, 0o600); err != nil {
		return "", err
	}
	var names []string
	for k := range res.Claims {
		names = append(names, k)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "age_over_18,given_name" {
		return "", fmt.Errorf("verifier returned claims %v, want exactly %v", names, disclosed)
	}
	return fmt.Sprintf("verified at ledger height %d: age_over_18=%v given_name=%v (birth date, family name, nationality never left the wallet); the bank kept the evidence (%d proved facts, %d bytes); a challenge for %s was refused (%s)",
		res.Height, res.Claims["age_over_18"], res.Claims["given_name"], len(res.Raw.Evidence.Facts), len(eb), phishing, reason.AudienceNotRegistered), nil
}

// recheckEvidence re-checks the saved evidence with nothing but the trust root: the header's
// signatures, every proof against its app hash, and the verification rules over those facts.
func (s *story) recheckEvidence(ctx context.Context) (string, error) {
	eb, err := os.ReadFile(s.evidenceFile)
	if err != nil {
		return "", err
	}
	ev, err := node.UnmarshalEvidence(eb)
	if err != nil {
		return "", err
	}
	r, err := node.VerifyEvidence(ctx, ev, s.root)
	if err != nil {
		return "", err
	}
	if !r.Supports() {
		return "", fmt.Errorf("the evidence does not support the verdict: %+v", r)
	}
	s.evidenceRechecked = true
	return fmt.Sprintf("header %d signed by the council's validators; %d facts proved against its app hash; issuer key, accreditation at issuance and now, status 0 and the bank's registration all hold (no node asked)",
		r.Height+1, r.Facts), nil
}

// revokeAccreditation: a second issuer, accredited by the department, issues a credential that
// verifies; the department revokes that accreditation; the same credential is refused.
func (s *story) revokeAccreditation(ctx context.Context) (string, error) {
	issuer2, key2, err := s.l.createDID(ctx, s.council)
	if err != nil {
		return "", err
	}
	now := time.Now().UTC().Truncate(time.Second)
	acc := &trusttypes.MsgAccredit{Signer: s.council.Address.String(), Payload: trusttypes.AccreditPayload{Id: "nrd-issuer-2",
		Accreditor: s.nrd, Accredited: issuer2, Role: trusttypes.ROLE_ISSUER, Vcts: []string{trusttypes.NationalIDVCT},
		ValidFrom: now.Add(-time.Minute), ValidUntil: now.AddDate(1, 0, 0)}}
	if acc.Signatures, err = s.l.didSign(acc, &acc.Payload, s.nrd+"#key-1", s.nrdKey); err != nil {
		return "", err
	}
	if _, err := s.l.deliver(ctx, s.council, acc); err != nil {
		return "", fmt.Errorf("accredit the second issuer: %w", err)
	}
	seq, err := statustypes.NewQueryClient(s.l.conn).Sequence(ctx, &statustypes.QuerySequenceRequest{Owner: issuer2})
	if err != nil {
		return "", err
	}
	create := &statustypes.MsgCreateStatusList{Signer: s.council.Address.String(), Payload: &statustypes.CreateStatusListPayload{
		Owner: issuer2, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION, Size_: statuslist.MinSize, Sequence: seq.Sequence}}
	if create.Signatures, err = s.l.didSign(create, create.Payload, issuer2+"#key-1", key2); err != nil {
		return "", err
	}
	if _, err := s.l.deliver(ctx, s.council, create); err != nil {
		return "", fmt.Errorf("second issuer's list: %w", err)
	}
	lists, err := statustypes.NewQueryClient(s.l.conn).ListsByOwner(ctx, &statustypes.QueryListsByOwnerRequest{Owner: issuer2})
	if err != nil || len(lists.Lists) == 0 {
		return "", fmt.Errorf("second issuer's list not found: %v", err)
	}
	holder, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return "", err
	}
	iss := &sdjwtvc.Issuer{DID: issuer2, KeyID: issuer2 + "#key-1", Signer: jws.NewKeySigner(key2)}
	cred, err := iss.Issue(ctx, sdjwtvc.Credential{VCT: trusttypes.NationalIDVCT, Holder: holder.Public(),
		Claims: map[string]any{"given_name": "Farid", "birthdate": "1985-01-30"},
		Status: &sdjwtvc.StatusRef{Index: 3, URI: statustypes.ListURL(s.net.Node(0).RESTURL(), lists.Lists[0].Id, "")}})
	if err != nil {
		return "", err
	}
	c, err := s.dial()
	if err != nil {
		return "", err
	}
	defer c.Close()
	deadline := time.Now().Add(30 * time.Second)
	var res *client.Result
	for attempt := 0; time.Now().Before(deadline) && attempt < 300; attempt++ { // until the verifier has the new blocks
		if res, err = s.presentCredential(ctx, c, cred, holder, false); err != nil {
			return "", err
		}
		if res.Verified {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if res == nil || !res.Verified {
		return "", fmt.Errorf("the second issuer's credential was not verified before the revocation: %v", res)
	}
	set := &trusttypes.MsgSetAccreditationStatus{Signer: s.council.Address.String(), Payload: trusttypes.AccreditationStatusPayload{
		Id: "nrd-issuer-2", Actor: s.nrd, Status: trusttypes.ACCREDITATION_STATUS_REVOKED, Reason: "audit finding", Sequence: 1}}
	if set.Signatures, err = s.l.didSign(set, &set.Payload, s.nrd+"#key-1", s.nrdKey); err != nil {
		return "", err
	}
	out, err := s.l.deliver(ctx, s.council, set)
	if err != nil {
		return "", fmt.Errorf("revoke the accreditation: %w", err)
	}
	for attempt := 0; time.Now().Before(deadline.Add(30*time.Second)) && attempt < 600; attempt++ {
		if res, err = s.presentCredential(ctx, c, cred, holder, false); err != nil {
			return "", err
		}
		if !res.Verified {
			if res.Reason != "issuer_not_accredited" {
				return "", fmt.Errorf("refused with %q, want issuer_not_accredited", res.Reason)
			}
			s.accreditationRevokedRefused = true
			return fmt.Sprintf("accreditation nrd-issuer-2 revoked in block %d; the credential it issued before is refused (%s) at ledger height %d",
				out.Height, res.Reason, res.Height), nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", errors.New("the verifier still accepts a credential of an issuer whose accreditation was revoked")
}

// countProofs reads how many ledger facts the verifier proved from its metrics.
func (s *story) countProofs(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.metricsAddr+"/metrics", nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, "amanah_verifier_ledger_facts_proved_total "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return "", err
			}
			s.proofsChecked = int64(f)
			if s.proofsChecked == 0 {
				return "", errors.New("no fact was proved")
			}
			return fmt.Sprintf("%d facts (values and absences, incl. each block's change journal) read with a Merkle proof checked against a light-client-verified header", s.proofsChecked), nil
		}
	}
	return "", errors.New("amanah_verifier_ledger_facts_proved_total not in the verifier's metrics")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
