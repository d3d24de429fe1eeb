package issuertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/txclient"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// Chain is a running one-validator localnet with the national id type registered, an
// accreditation body (NRD) and an issuer accredited by it whose operator account can write.
type Chain struct {
	Net     *localnet.Net
	Ledger  *txclient.Chain
	Council txclient.Signer
	Network string
	// NRD is the accreditation body; Issuer the accredited issuer with its key and operator.
	NRD, Issuer       string
	NRDKey, IssuerKey keys.PrivateKey
	Operator          txclient.Signer
	Dir               string
}

// StartChain builds amanahd, starts a one-validator localnet in dir (ports from
// localnet.FreeBasePorts) and sets up the trust chain. Stop it with c.Net.StopAll().
func StartChain(ctx context.Context, dir string) (*Chain, error) {
	bin, err := localnet.BuildBinary(ctx)
	if err != nil {
		return nil, err
	}
	ports, err := localnet.FreeBasePorts(1)
	if err != nil {
		return nil, err
	}
	net, err := localnet.Init(ctx, localnet.Config{Binary: bin, Dir: filepath.Join(dir, "net"), N: 1, BasePorts: ports, VotingPeriod: 3 * time.Second})
	if err != nil {
		return nil, err
	}
	if err := net.StartAll(); err != nil {
		return nil, err
	}
	c := &Chain{Net: net, Dir: dir}
	if err := c.setup(ctx); err != nil {
		_ = net.StopAll()
		return nil, err
	}
	return c, nil
}

func (c *Chain) setup(ctx context.Context) error {
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := c.Net.WaitHeight(wctx, 0, 2); err != nil {
		return fmt.Errorf("chain did not start: %w\n%s", err, c.Net.LogTail(0, 20))
	}
	cl, err := txclient.New(c.Net.Config.ChainID)
	if err != nil {
		return err
	}
	if c.Ledger, err = txclient.Dial(c.Net, cl); err != nil {
		return err
	}
	if c.Council, err = cl.AgencySigner(c.Net, 0); err != nil {
		return err
	}
	if c.Network, err = c.Ledger.DIDNetwork(ctx); err != nil {
		return err
	}
	newDID := func() (string, keys.PrivateKey, error) {
		msg, id, priv, err := c.Ledger.NewDID(c.Network, c.Council)
		if err != nil {
			return "", priv, err
		}
		_, err = c.Ledger.Deliver(ctx, c.Council, msg)
		return id, priv, err
	}
	if c.NRD, c.NRDKey, err = newDID(); err != nil {
		return err
	}
	if c.Issuer, c.IssuerKey, err = newDID(); err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Second)
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	if err := c.Ledger.CouncilDecision(ctx, c.Council, "Accredit the NRD",
		&trusttypes.MsgRegisterCredentialType{Signer: gov, Payload: trusttypes.CredentialTypePayload{
			Vct: trusttypes.NationalIDVCT, Version: 1, DisplayName: "National identity credential",
			Description: "Issued by the National Registration Department",
			Schema:      trusttypes.NationalIDSchema, SelectivelyDisclosable: trusttypes.NationalIDClaims}},
		&trusttypes.MsgAccredit{Signer: gov, Payload: trusttypes.AccreditPayload{Id: "council-nrd", Accredited: c.NRD,
			Role: trusttypes.ROLE_ACCREDITATION_BODY, Vcts: []string{trusttypes.NationalIDVCT},
			ValidFrom: now.Add(-time.Hour), ValidUntil: now.AddDate(5, 0, 0)}}); err != nil {
		return err
	}
	if c.Operator, err = cl.NewMemSigner("issuer-operator"); err != nil {
		return err
	}
	if _, err := c.Ledger.Deliver(ctx, c.Council, banktypes.NewMsgSend(c.Council.Address, c.Operator.Address,
		sdk.NewCoins(sdk.NewInt64Coin("uamn", 1)))); err != nil {
		return fmt.Errorf("open the operator account: %w", err)
	}
	acc := &trusttypes.MsgAccredit{Signer: c.Council.Address.String(), Payload: trusttypes.AccreditPayload{Id: "nrd-issuer",
		Accreditor: c.NRD, Accredited: c.Issuer, Role: trusttypes.ROLE_ISSUER, Vcts: []string{trusttypes.NationalIDVCT},
		ValidFrom: now.Add(-time.Minute), ValidUntil: now.AddDate(1, 0, 0), Operator: c.Operator.Address.String()}}
	if acc.Signatures, err = didsign.Sign(c.Net.Config.ChainID, acc, &acc.Payload, c.NRD+"#key-1", c.NRDKey); err != nil {
		return err
	}
	if _, err := c.Ledger.Deliver(ctx, c.Council, acc); err != nil {
		return fmt.Errorf("accredit the issuer: %w", err)
	}
	return nil
}

// WriteOperatorKeyring copies an in-memory signer's key into a test-backend keyring in dir
// (what amanah-issuer --operator-keyring-dir reads).
func WriteOperatorKeyring(dir string, s txclient.Signer, cl *txclient.Client) error {
	const pass = "amanah-issuer-test"
	armor, err := s.Keyring.ExportPrivKeyArmor(s.Name, pass)
	if err != nil {
		return err
	}
	kr, err := keyring.New(sdk.KeyringServiceName(), keyring.BackendTest, dir, nil, cl.Codec)
	if err != nil {
		return err
	}
	return kr.ImportPrivKey(s.Name, armor, pass)
}

// Issuer is a running amanah-issuer process.
type Issuer struct {
	URL, AdminAddr, AdminKey string
	Cmd                      *exec.Cmd
	Dir, Log                 string
	done                     chan struct{}
	args                     []string
	env                      []string
	bin                      string
}

// IssuerOptions tune StartIssuer.
type IssuerOptions struct {
	// Records is the registry file content (JSON); DefaultRecords if empty.
	Records string
	// BatchSize of the issuer (10 if 0).
	BatchSize int
	// Env adds environment variables (test hooks).
	Env []string
	// DB is the database path (Dir/issuer.db if empty).
	DB string
}

// DefaultRecords holds one citizen, record id "880412-14-5566".
const DefaultRecords = `{"880412-14-5566": {"given_name": "Aisyah", "family_name": "Rahman", "birthdate": "1990-04-12", "nationality": "MY"}}`

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// StartIssuer builds and starts amanah-issuer against node 0 of c, as c.Issuer with c.Operator,
// and waits until it serves its metadata.
func (c *Chain) StartIssuer(ctx context.Context, dir string, o IssuerOptions) (*Issuer, error) {
	bin, err := localnet.BuildCommand(ctx, "amanah-issuer")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	jwk, err := c.IssuerKey.JWK()
	if err != nil {
		return nil, err
	}
	keyFile := filepath.Join(dir, "issuer.jwk")
	if err := os.WriteFile(keyFile, jwk, 0o600); err != nil {
		return nil, err
	}
	krDir := filepath.Join(dir, "keyring")
	if _, err := os.Stat(krDir); errors.Is(err, os.ErrNotExist) {
		if err := WriteOperatorKeyring(krDir, c.Operator, c.Ledger.Client); err != nil {
			return nil, err
		}
	}
	recs := o.Records
	if recs == "" {
		recs = DefaultRecords
	}
	regFile := filepath.Join(dir, "citizens.json")
	if err := os.WriteFile(regFile, []byte(recs), 0o600); err != nil {
		return nil, err
	}
	if o.BatchSize == 0 {
		o.BatchSize = 10
	}
	if o.DB == "" {
		o.DB = filepath.Join(dir, "issuer.db")
	}
	httpAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	adminAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	kb := make([]byte, 16)
	_, _ = rand.Read(kb)
	is := &Issuer{URL: "http://" + httpAddr, AdminAddr: adminAddr, AdminKey: hex.EncodeToString(kb), Dir: dir, Log: filepath.Join(dir, "issuer.log"), bin: bin}
	nd := c.Net.Node(0)
	is.args = []string{"serve", "--listen", httpAddr, "--admin-listen", adminAddr, "--public-url", is.URL, "--name", "National Registration Department",
		"--did", c.Issuer, "--key", keyFile, "--chain-id", c.Net.Config.ChainID, "--node-rpc", nd.RPCURL(), "--node-grpc", nd.GRPCAddr(),
		"--operator-keyring-dir", krDir, "--operator", c.Operator.Name, "--db", o.DB, "--registry", regFile,
		"--batch-size", fmt.Sprint(o.BatchSize)}
	is.env = append(append(os.Environ(), "AMANAH_ISSUER_ADMIN_KEYS=test="+is.AdminKey), o.Env...)
	return is, is.Start(ctx)
}

// Start (re)starts the process with the same arguments and waits until it serves.
func (is *Issuer) Start(ctx context.Context) error {
	lf, err := os.OpenFile(is.Log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer lf.Close()
	is.Cmd = exec.Command(is.bin, is.args...)
	is.Cmd.Env = is.env
	is.Cmd.Stdout, is.Cmd.Stderr = lf, lf
	if err := is.Cmd.Start(); err != nil {
		return err
	}
	is.done = make(chan struct{})
	go func() { _ = is.Cmd.Wait(); close(is.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(is.URL + "/.well-known/openid-credential-issuer")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-is.done:
			return fmt.Errorf("amanah-issuer exited: %s", localnet.FileTail(is.Log, 15))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("amanah-issuer not serving within 60s: %s", localnet.FileTail(is.Log, 15))
}

// Kill sends SIGKILL and waits for the exit.
func (is *Issuer) Kill() {
	if is.Cmd != nil && is.Cmd.Process != nil {
		_ = is.Cmd.Process.Signal(syscall.SIGKILL)
		<-is.done
	}
}

// Stop sends SIGTERM and waits (SIGKILL after 10 s).
func (is *Issuer) Stop() {
	if is.Cmd == nil || is.Cmd.Process == nil {
		return
	}
	select {
	case <-is.done:
		return
	default:
	}
	_ = is.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-is.done:
	case <-time.After(10 * time.Second):
		is.Kill()
	}
}

// Done is closed when the process exits.
func (is *Issuer) Done() <-chan struct{} { return is.done }
