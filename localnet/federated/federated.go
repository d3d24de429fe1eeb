// Package federated runs the two-country federation story on real processes: two Amanah
// ledgers (each its own one-validator localnet, council, chain id and did:amanah network), an
// issuer on one, a bank on the other, and an amanah-verifier of the bank's ledger that follows
// the issuer's ledger because its council recognises it (docs/federation.md). It is shared by
// `make demo-federation` (cmd/amanah-demo-federation) and the fault suite (tests/faults).
package federated

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
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
	"github.com/amanah-id/amanah/x/did/client/didsign"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// The story's credential types and claims.
const (
	// LocalVCT is each country's own national id type (the MY bank asks for it).
	LocalVCT = trusttypes.NationalIDVCT
	// THVCT is the Thai national id type, registered on the TH ledger; MY recognises it as LocalVCT.
	THVCT = "https://th.amanah.example/credentials/national-id"
	// Audience is the MY bank's checkout origin.
	Audience = "https://checkout.bank.my.example"
	// OtherAudience is the second MY bank's.
	OtherAudience = "https://pay.bank2.my.example"
)

// Disclosed are the claims the wallet reveals and the bank may see.
var Disclosed = []string{"age_over_18", "given_name"}

// Country is one ledger with its council's signer and the story's parties on it.
type Country struct {
	Name    string
	ChainID string
	Network string // did:amanah network
	Net     *localnet.Net
	Chain   *txclient.Chain
	Council txclient.Signer
	gov     string

	// Issuer (accredited by the council for VCT) and its status list.
	VCT       string
	Issuer    string
	IssuerKey keys.PrivateKey
	ListID    uint64
	// Banks registered as relying parties (MY only).
	Bank, Bank2 string
}

// Ports returns two port ranges free now (one per country): FreeBasePorts checks the range of
// two nodes, and node 1's offsets are the second country's.
func Ports() (localnet.Ports, localnet.Ports, error) {
	p, err := localnet.FreeBasePorts(2)
	if err != nil {
		return p, p, err
	}
	q := p
	q.P2P, q.RPC, q.GRPC, q.REST, q.ABCI = p.P2P+10, p.RPC+10, p.GRPC+10, p.REST+10, p.ABCI+10
	return p, q, nil
}

// StartCountry initialises and starts a one-validator ledger with chain id and DID network,
// and waits for its second block.
// blockTime is the ledgers' block time (0: the localnet default).
func StartCountry(ctx context.Context, name, bin, dir, chainID, network string, ports localnet.Ports, blockTime time.Duration) (*Country, error) {
	net, err := localnet.Init(ctx, localnet.Config{Binary: bin, Dir: dir, N: 1, ChainID: chainID, BasePorts: ports,
		VotingPeriod: 3 * time.Second, BlockTime: blockTime,
		EditGenesis: func(app map[string]any) error {
			d, ok := app["did"].(map[string]any)
			if !ok {
				return errors.New("genesis has no did module state")
			}
			d["params"] = map[string]any{"network": network}
			return nil
		}})
	if err != nil {
		return nil, err
	}
	c := &Country{Name: name, ChainID: chainID, Network: network, Net: net,
		gov: authtypes.NewModuleAddress(govtypes.ModuleName).String()}
	if err := net.StartAll(); err != nil {
		return c, err
	}
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := net.WaitHeight(wctx, 0, 2); err != nil {
		return c, fmt.Errorf("%s: %w\n%s", chainID, err, net.LogTail(0, 20))
	}
	tc, err := txclient.New(chainID)
	if err != nil {
		return c, err
	}
	if c.Chain, err = txclient.Dial(net, tc); err != nil {
		return c, err
	}
	c.Chain.Gas = 2_000_000 // a council decision carries a credential type's schema
	if c.Council, err = tc.AgencySigner(net, 0); err != nil {
		return c, err
	}
	got, err := c.Chain.DIDNetwork(ctx)
	if err != nil {
		return c, err
	}
	if got != network {
		return c, fmt.Errorf("%s: did network %q, want %q", chainID, got, network)
	}
	return c, nil
}

// Stop stops the country's node(s) and closes its connection.
func (c *Country) Stop() {
	if c == nil {
		return
	}
	if c.Chain != nil {
		_ = c.Chain.Conn.Close()
	}
	if c.Net != nil {
		_ = c.Net.StopAll()
	}
}

func (c *Country) newDID(ctx context.Context) (string, keys.PrivateKey, error) {
	msg, id, priv, err := c.Chain.NewDID(c.Network, c.Council)
	if err != nil {
		return "", priv, err
	}
	_, err = c.Chain.Deliver(ctx, c.Council, msg)
	return id, priv, err
}

// SetupIssuer creates the issuer's DID and, by one council decision, registers vct and
// accredits the issuer for it (then any extra msgs); then the issuer creates a status list.
func (c *Country) SetupIssuer(ctx context.Context, vct string, extra ...func() ([]any, error)) error {
	var err error
	c.VCT = vct
	if c.Issuer, c.IssuerKey, err = c.newDID(ctx); err != nil {
		return fmt.Errorf("issuer DID: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	if err := c.Chain.CouncilDecision(ctx, c.Council, "Register "+vct+" and accredit its issuer",
		&trusttypes.MsgRegisterCredentialType{Signer: c.gov, Payload: trusttypes.CredentialTypePayload{
			Vct: vct, Version: 1, DisplayName: c.Name + " national identity credential",
			Schema: trusttypes.NationalIDSchema, SelectivelyDisclosable: trusttypes.NationalIDClaims}},
		&trusttypes.MsgAccredit{Signer: c.gov, Payload: trusttypes.AccreditPayload{Id: "council-issuer", Accredited: c.Issuer,
			Role: trusttypes.ROLE_ISSUER, Vcts: []string{vct}, ValidFrom: now.Add(-time.Hour), ValidUntil: now.AddDate(1, 0, 0)}}); err != nil {
		return err
	}
	seq, err := statustypes.NewQueryClient(c.Chain.Conn).Sequence(ctx, &statustypes.QuerySequenceRequest{Owner: c.Issuer})
	if err != nil {
		return err
	}
	create := &statustypes.MsgCreateStatusList{Signer: c.Council.Address.String(), Payload: &statustypes.CreateStatusListPayload{
		Owner: c.Issuer, Purpose: statustypes.StatusPurpose_STATUS_PURPOSE_REVOCATION, Size_: statuslist.MinSize, Sequence: seq.Sequence}}
	if create.Signatures, err = didSign(c.ChainID, create, create.Payload, c.Issuer+"#key-1", c.IssuerKey); err != nil {
		return err
	}
	if _, err := c.Chain.Deliver(ctx, c.Council, create); err != nil {
		return fmt.Errorf("status list: %w", err)
	}
	lists, err := statustypes.NewQueryClient(c.Chain.Conn).ListsByOwner(ctx, &statustypes.QueryListsByOwnerRequest{Owner: c.Issuer})
	if err != nil || len(lists.Lists) == 0 {
		return fmt.Errorf("status list not found: %v", err)
	}
	c.ListID = lists.Lists[0].Id
	return nil
}

// TrustRoot returns a trust root of the country's ledger: the hash of its header at height h.
func (c *Country) TrustRoot(ctx context.Context, h int64) (trusttypes.LightClientTrustRoot, error) {
	lb, err := proved.FetchLightBlock(ctx, c.Net.Node(0).RPCURL(), h, nil, true)
	if err != nil {
		return trusttypes.LightClientTrustRoot{}, err
	}
	return trusttypes.LightClientTrustRoot{Height: lb.Height, HeaderHash: lb.Hash(), TrustingPeriodSeconds: 14 * 24 * 3600}, nil
}

// RecognizeAndRegister is the MY council's decision: recognise the foreign ledger (its vct
// counted as LocalVCT, the Disclosed claims), register LocalVCT and register two banks, the
// first opting in to the foreign type and the second not. It returns the banks' keys.
func (c *Country) RecognizeAndRegister(ctx context.Context, foreign *Country) error {
	root, err := foreign.TrustRoot(ctx, 1)
	if err != nil {
		return fmt.Errorf("trust root of %s: %w", foreign.ChainID, err)
	}
	var bankKey, bank2Key keys.PrivateKey
	if c.Bank, bankKey, err = c.newDID(ctx); err != nil {
		return err
	}
	if c.Bank2, bank2Key, err = c.newDID(ctx); err != nil {
		return err
	}
	rp := func(did string, key keys.PrivateKey, aud string, fs []trusttypes.ForeignAcceptance) (*trusttypes.MsgRegisterRelyingParty, error) {
		m := &trusttypes.MsgRegisterRelyingParty{Signer: c.gov, Payload: trusttypes.RelyingPartyPayload{
			Did: did, LegalName: "Bank " + did[len(did)-6:], RegistrationNumber: "199001012345", Version: 1,
			Status:      trusttypes.RELYING_PARTY_STATUS_ACTIVE,
			Permissions: []trusttypes.ClaimPermission{{Vct: LocalVCT, Claims: Disclosed}},
			Audiences:   []string{aud}, Foreign: fs}}
		var err error
		m.RelyingPartySignatures, err = didSign(c.ChainID, m, &m.Payload, did+"#key-1", key)
		return m, err
	}
	bank, err := rp(c.Bank, bankKey, Audience, []trusttypes.ForeignAcceptance{{ChainId: foreign.ChainID, Vct: foreign.VCT, Claims: Disclosed}})
	if err != nil {
		return err
	}
	bank2, err := rp(c.Bank2, bank2Key, OtherAudience, nil)
	if err != nil {
		return err
	}
	return c.Chain.CouncilDecision(ctx, c.Council, "Recognise "+foreign.ChainID+" and register the banks",
		&trusttypes.MsgRecognizeLedger{Signer: c.gov, ChainId: foreign.ChainID, Version: 1, DidNetwork: foreign.Network,
			TrustRoot: root, Reason: "mutual recognition",
			Types: []trusttypes.RecognisedType{{ForeignVct: foreign.VCT, LocalVct: LocalVCT, Claims: Disclosed}}},
		bank, bank2)
}

// Withdraw is the council's decision withdrawing the recognition of chainID (at version).
func (c *Country) Withdraw(ctx context.Context, chainID string, version uint32) error {
	return c.Chain.CouncilDecision(ctx, c.Council, "Withdraw the recognition of "+chainID,
		&trusttypes.MsgSetLedgerRecognitionStatus{Signer: c.gov, ChainId: chainID, Version: version,
			Status: trusttypes.LEDGER_RECOGNITION_STATUS_WITHDRAWN, Reason: "treaty suspended"})
}

// Credential is an issued credential in a wallet.
type Credential struct {
	SDJWT  string
	Holder keys.PrivateKey
	VCT    string
	Index  uint32
}

// Issue issues a national id to a new holder at status index idx.
func (c *Country) Issue(ctx context.Context, idx uint32, givenName string) (*Credential, error) {
	holder, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return nil, err
	}
	iss := &sdjwtvc.Issuer{DID: c.Issuer, KeyID: c.Issuer + "#key-1", Signer: jws.NewKeySigner(c.IssuerKey)}
	s, err := iss.Issue(ctx, sdjwtvc.Credential{VCT: c.VCT, Holder: holder.Public(),
		Claims:  map[string]any{"given_name": givenName, "family_name": "Example", "birthdate": "1990-04-12", "age_over_18": true},
		Status:  &sdjwtvc.StatusRef{Index: uint64(idx), URI: statustypes.ListURL(c.Net.Node(0).RESTURL(), c.ListID, "")},
		Expires: time.Now().AddDate(1, 0, 0)})
	if err != nil {
		return nil, err
	}
	return &Credential{SDJWT: s, Holder: holder, VCT: c.VCT, Index: idx}, nil
}

// Revoke sets the credential's status entry to 1 and returns the block height that committed it.
func (c *Country) Revoke(ctx context.Context, idx uint32) (int64, error) {
	seq, err := statustypes.NewQueryClient(c.Chain.Conn).Sequence(ctx, &statustypes.QuerySequenceRequest{Owner: c.Issuer})
	if err != nil {
		return 0, err
	}
	upd := &statustypes.MsgUpdateStatusList{Signer: c.Council.Address.String(), Payload: &statustypes.UpdateStatusListPayload{
		ListId: c.ListID, Sequence: seq.Sequence, Indices: []uint32{idx}, Values: []byte{1}}}
	if upd.Signatures, err = didSign(c.ChainID, upd, upd.Payload, c.Issuer+"#key-1", c.IssuerKey); err != nil {
		return 0, err
	}
	out, err := c.Chain.Deliver(ctx, c.Council, upd)
	return out.Height, err
}

// Verifier is an amanah-verifier process of one country following foreign ledgers.
type Verifier struct {
	Addr string
	Keys map[string]string // relying-party DID -> API key
	Log  string
	cmd  *exec.Cmd
	done chan struct{}
}

// StartVerifier starts the verifier of home (trust root: home's block 1) following foreign,
// with an API key for each of home's banks, and waits until it serves.
func StartVerifier(ctx context.Context, dir string, home *Country, freshness time.Duration, foreign ...*Country) (*Verifier, error) {
	bin, err := localnet.BuildCommand(ctx, "amanah-verifier")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	v := &Verifier{Addr: fmt.Sprintf("127.0.0.1:%d", port), Keys: map[string]string{}, Log: filepath.Join(dir, "verifier-"+home.ChainID+".log")}
	root, err := proved.FetchLightBlock(ctx, home.Net.Node(0).RPCURL(), 1, nil, true)
	if err != nil {
		return nil, err
	}
	rf, err := node.NewTrustRootFile(root)
	if err != nil {
		return nil, err
	}
	rb, _ := json.Marshal(rf)
	rootFile := filepath.Join(dir, "trust-root-"+home.ChainID+".json")
	if err := os.WriteFile(rootFile, rb, 0o600); err != nil {
		return nil, err
	}
	var env []string
	for _, did := range []string{home.Bank, home.Bank2} {
		k := make([]byte, 16)
		if _, err := rand.Read(k); err != nil {
			return nil, err
		}
		v.Keys[did] = hex.EncodeToString(k)
		env = append(env, did+"="+v.Keys[did])
	}
	args := []string{"--listen", v.Addr, "--rest", "off", "--metrics", "off", "--node", "node0=" + home.Net.Node(0).RPCURL(),
		"--allow-plaintext-nodes", "--trust-root", rootFile, "--freshness", freshness.String()}
	for _, f := range foreign {
		args = append(args, "--foreign", f.ChainID+"="+f.Net.Node(0).RPCURL())
	}
	logFile, err := os.Create(v.Log)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	v.cmd = exec.Command(bin, args...)
	v.cmd.Env = append(os.Environ(), "AMANAH_VERIFIER_API_KEYS="+strings.Join(env, "\n"))
	v.cmd.Stdout, v.cmd.Stderr = logFile, logFile
	if err := v.cmd.Start(); err != nil {
		return nil, err
	}
	v.done = make(chan struct{})
	go func() { _ = v.cmd.Wait(); close(v.done) }()
	conn, err := grpc.NewClient(v.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		v.Stop()
		return nil, err
	}
	defer conn.Close()
	health := healthpb.NewHealthClient(conn)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		r, err := health.Check(cctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil && r.Status == healthpb.HealthCheckResponse_SERVING {
			return v, nil
		}
		select {
		case <-v.done:
			return nil, fmt.Errorf("verifier exited; its log ends:\n%s", localnet.FileTail(v.Log, 15))
		case <-time.After(200 * time.Millisecond):
		}
	}
	v.Stop()
	return nil, fmt.Errorf("verifier not SERVING within 60s; its log ends:\n%s", localnet.FileTail(v.Log, 15))
}

// Stop stops the verifier (SIGTERM, then SIGKILL after 10 s).
func (v *Verifier) Stop() {
	if v == nil || v.cmd == nil || v.cmd.Process == nil {
		return
	}
	_ = v.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-v.done:
	case <-time.After(10 * time.Second):
		_ = v.cmd.Process.Kill()
		<-v.done
	}
}

// Present has the wallet answer a fresh challenge of rp (for LocalVCT) with cred, disclosing
// Disclosed, and returns the verdict.
func (v *Verifier) Present(ctx context.Context, rp, aud string, cred *Credential) (*client.Result, error) {
	c, err := client.Dial(v.Addr, client.Options{APIKey: v.Keys[rp], Insecure: true})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	ch, err := c.CreateChallenge(ctx, aud, []string{LocalVCT}, Disclosed)
	if err != nil {
		return nil, fmt.Errorf("challenge: %w", err)
	}
	sd, err := sdjwt.Parse(cred.SDJWT)
	if err != nil {
		return nil, err
	}
	pres, err := sd.Present(ctx, Disclosed, &sdjwt.KeyBinding{Signer: jws.NewKeySigner(cred.Holder), Nonce: ch.Nonce, Audience: ch.Audience})
	if err != nil {
		return nil, err
	}
	return c.Verify(ctx, pres, ch.Nonce, client.Policy{AcceptedVCTs: []string{LocalVCT}, RequiredClaims: Disclosed})
}

// PresentUntil presents until done(result) holds or timeout passes, every 50 ms; it returns
// the last result.
func (v *Verifier) PresentUntil(ctx context.Context, rp, aud string, cred *Credential, timeout time.Duration,
	done func(*client.Result) bool) (*client.Result, error) {
	deadline := time.Now().Add(timeout)
	for {
		res, err := v.Present(ctx, rp, aud, cred)
		if err != nil {
			return nil, err
		}
		if done(res) || time.Now().After(deadline) {
			return res, nil
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

var didSign = didsign.Sign

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
