// Command amanah-issuer is an issuing agency's OpenID4VCI 1.0 credential issuer: wallets
// receive batches of SD-JWT VCs over HTTP (pre-authorized code flow), the agency makes
// offers and revokes over the admin gRPC API, and third-party verifiers fetch signed status
// list tokens. See docs/issuer.md.
//
//	amanah-issuer serve --public-url https://issuer.example --did did:amanah:... --key-id <did>#key-1 \
//	    --key issuer.jwk --chain-id amanah-1 --node-rpc http://127.0.0.1:26657 --node-grpc 127.0.0.1:9090 \
//	    --operator-keyring-dir ./keyring --operator issuer-operator --db issuer.db --registry citizens.csv
//	amanah-issuer offer --admin 127.0.0.1:8481 --record 880412-14-5566 [--tx-code]
//	amanah-issuer status --admin 127.0.0.1:8481 --credential urn:uuid:... revoke|suspend|reinstate
//	amanah-issuer list --admin 127.0.0.1:8481
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/issuer/chainledger"
	"github.com/amanah-id/amanah/issuer/issuerpb"
	"github.com/amanah-id/amanah/issuer/registry"
	"github.com/amanah-id/amanah/issuer/service"
	"github.com/amanah-id/amanah/issuer/store"
	"github.com/amanah-id/amanah/localnet/txclient"
	"github.com/amanah-id/amanah/x/did/client/didsign"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// Environment variables.
const (
	EnvAdminKeys     = "AMANAH_ISSUER_ADMIN_KEYS"     // name=key,... (server) ; the key (client commands)
	EnvRegistryToken = "AMANAH_ISSUER_REGISTRY_TOKEN" // bearer token of --registry-url
	// Test hooks (crash tests only): a delay after signing each credential, and a file that
	// gets "<list> <index>" appended for every credential signed.
	EnvTestSignDelay = "AMANAH_ISSUER_TEST_SIGN_DELAY"
	EnvTestSignedLog = "AMANAH_ISSUER_TEST_SIGNED_LOG"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "amanah-issuer:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: amanah-issuer serve|offer|status|list [flags] (see docs/issuer.md)")
	}
	switch args[0] {
	case "serve":
		return serve(args[1:])
	case "offer", "status", "list":
		return adminCmd(args[0], args[1:], out)
	}
	return fmt.Errorf("unknown command %q: want serve, offer, status or list", args[0])
}

func serve(args []string) error {
	fs := flag.NewFlagSet("amanah-issuer serve", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8480", "public HTTP listen address (OpenID4VCI, status lists, type metadata, /metrics)")
	adminListen := fs.String("admin-listen", "127.0.0.1:8481", "admin gRPC listen address (API keys in $"+EnvAdminKeys+")")
	publicURL := fs.String("public-url", "", "credential issuer identifier: the public https:// base URL (required)")
	name := fs.String("name", "", "issuer display name")
	did := fs.String("did", "", "issuer DID (required)")
	keyID := fs.String("key-id", "", "DID URL of the issuer's assertionMethod key (default <did>#key-1)")
	keyFile := fs.String("key", "", "issuer private JWK file (required)")
	chainID := fs.String("chain-id", "", "chain id (required)")
	nodeRPC := fs.String("node-rpc", "", "node CometBFT RPC URL (required)")
	nodeGRPC := fs.String("node-grpc", "", "node gRPC address host:port (required)")
	krDir := fs.String("operator-keyring-dir", "", "keyring directory of the operator account (required)")
	krBackend := fs.String("operator-keyring-backend", "test", "keyring backend: test, file or os")
	operator := fs.String("operator", "", "operator key name in the keyring (required)")
	dbPath := fs.String("db", "amanah-issuer.db", "issuance database file (bbolt)")
	regFile := fs.String("registry", "", "citizen records file (.json or .csv)")
	regURL := fs.String("registry-url", "", "agency registry base URL (GET <url>/<record id>), instead of --registry")
	configID := fs.String("configuration-id", "national_id", "credential_configuration_id")
	vct := fs.String("vct", trusttypes.NationalIDVCT, "credential type (registered in x/trust)")
	batch := fs.Int("batch-size", 10, "batch_credential_issuance.batch_size")
	attempts := fs.Int("tx-code-attempts", 3, "wrong transaction codes before an offer dies")
	validFor := fs.Duration("valid-for", 365*24*time.Hour, "credential validity")
	statusTTL := fs.Duration("status-ttl", 5*time.Minute, "status list token ttl")
	listSize := fs.Uint("list-size", 0, "entries of new status lists (default 131072)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, m := range []struct{ n, v string }{{"--public-url", *publicURL}, {"--did", *did}, {"--key", *keyFile}, {"--chain-id", *chainID},
		{"--node-rpc", *nodeRPC}, {"--node-grpc", *nodeGRPC}, {"--operator-keyring-dir", *krDir}, {"--operator", *operator}} {
		if m.v == "" {
			return fmt.Errorf("%s is required", m.n)
		}
	}
	if (*regFile == "") == (*regURL == "") {
		return errors.New("give exactly one of --registry and --registry-url")
	}
	if *keyID == "" {
		*keyID = *did + "#key-1"
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	adminKeys, err := service.ParseAdminKeys(os.Getenv(EnvAdminKeys))
	if err != nil {
		return fmt.Errorf("$%s: %w", EnvAdminKeys, err)
	}
	key, err := didsign.ReadKey(*keyFile)
	if err != nil {
		return err
	}
	var reg registry.Registry
	if *regFile != "" {
		if reg, err = registry.LoadFile(*regFile); err != nil {
			return err
		}
	} else {
		reg = &registry.HTTP{Base: *regURL, Token: os.Getenv(EnvRegistryToken)}
	}
	client, rpc, conn, err := chainledger.Dial(*chainID, *nodeRPC, *nodeGRPC)
	if err != nil {
		return err
	}
	defer conn.Close()
	kr, err := keyring.New(sdk.KeyringServiceName(), *krBackend, *krDir, os.Stdin, client.Codec)
	if err != nil {
		return err
	}
	rec, err := kr.Key(*operator)
	if err != nil {
		return fmt.Errorf("operator key %q: %w", *operator, err)
	}
	addr, err := rec.GetAddress()
	if err != nil {
		return err
	}
	ledger := &chainledger.Node{ChainID: *chainID, DID: *did, KeyID: *keyID, Key: key, Client: client, RPC: rpc, Conn: conn,
		Operator: txclient.Signer{Name: *operator, Address: addr, Keyring: kr}, ListSize: uint32(*listSize)}
	st, err := store.Open(*dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	cfg := service.Config{IssuerURL: *publicURL, DID: *did, KeyID: *keyID, Key: key, Name: *name,
		Configurations: map[string]service.ConfigSpec{*configID: {VCT: *vct}}, BatchSize: *batch, TxCodeAttempts: *attempts,
		ValidFor: *validFor, StatusTTL: *statusTTL, Store: st, Registry: reg, Ledger: ledger, Logger: log}
	if err := testHooks(&cfg); err != nil {
		return err
	}
	svc, err := service.New(cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	hl, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	al, err := net.Listen("tcp", *adminListen)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: svc.Handler(true), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10}
	gs := svc.NewAdminServer(adminKeys)
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(hl) }()
	go func() { errc <- gs.Serve(al) }()
	go func() { // expired nonces
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = st.Prune(time.Now())
			}
		}
	}()
	log.Info("amanah-issuer serving", "public", hl.Addr().String(), "admin", al.Addr().String(), "issuer", *publicURL, "did", *did)
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = hs.Shutdown(sctx)
	gs.GracefulStop()
	return nil
}

func testHooks(cfg *service.Config) error {
	delay, logPath := os.Getenv(EnvTestSignDelay), os.Getenv(EnvTestSignedLog)
	if delay == "" && logPath == "" {
		return nil
	}
	d := time.Duration(0)
	if delay != "" {
		var err error
		if d, err = time.ParseDuration(delay); err != nil {
			return fmt.Errorf("$%s: %w", EnvTestSignDelay, err)
		}
	}
	var mu sync.Mutex
	cfg.AfterSign = func(c store.Credential) {
		if logPath != "" {
			mu.Lock()
			f, err := os.OpenFile(logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
			if err == nil {
				fmt.Fprintf(f, "%d %d\n", c.ListID, c.Index)
				_ = f.Sync()
				f.Close()
			}
			mu.Unlock()
		}
		time.Sleep(d)
	}
	return nil
}

func adminCmd(cmd string, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("amanah-issuer "+cmd, flag.ContinueOnError)
	addr := fs.String("admin", "127.0.0.1:8481", "admin gRPC address (API key in $"+EnvAdminKeys+")")
	record := fs.String("record", "", "offer: the citizen record id")
	txCode := fs.Bool("tx-code", false, "offer: protect the offer with a transaction code")
	batch := fs.Uint("batch-size", 0, "offer: batch size (default: the issuer's)")
	qrFile := fs.String("qr", "", "offer: write the QR code PNG here")
	cred := fs.String("credential", "", "status: a credential id of the batch")
	if err := fs.Parse(args); err != nil {
		return err
	}
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, service.APIKeyHeader, os.Getenv(EnvAdminKeys))
	c := issuerpb.NewAdminClient(conn)
	switch cmd {
	case "offer":
		r, err := c.CreateOffer(ctx, &issuerpb.CreateOfferRequest{RecordId: *record, TxCode: *txCode, BatchSize: uint32(*batch)})
		if err != nil {
			return err
		}
		if *qrFile != "" {
			if err := os.WriteFile(*qrFile, r.QrPng, 0o600); err != nil {
				return err
			}
		}
		fmt.Fprintf(out, "offer_uri %s\noffer_id %s\nexpires %s\n", r.OfferUri, r.OfferId, time.Unix(r.ExpiresUnix, 0).UTC().Format(time.RFC3339))
		if r.TxCode != "" {
			fmt.Fprintf(out, "tx_code %s\n", r.TxCode)
		}
	case "status":
		v := map[string]issuerpb.Status{"revoke": issuerpb.Status_STATUS_REVOKED, "suspend": issuerpb.Status_STATUS_SUSPENDED, "reinstate": issuerpb.Status_STATUS_VALID}[fs.Arg(0)]
		if v == issuerpb.Status_STATUS_UNSPECIFIED || *cred == "" {
			return errors.New("usage: amanah-issuer status --credential <id> revoke|suspend|reinstate")
		}
		r, err := c.SetStatus(ctx, &issuerpb.SetStatusRequest{CredentialId: *cred, Status: v})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: %d credential(s) in block %d (tx %s)\n", fs.Arg(0), r.Credentials, r.Height, r.TxHash)
	case "list":
		after := ""
		for {
			r, err := c.ListIssuances(ctx, &issuerpb.ListIssuancesRequest{After: after})
			if err != nil {
				return err
			}
			for _, b := range r.Issuances {
				var cs []string
				for _, x := range b.Credentials {
					cs = append(cs, fmt.Sprintf("%s@%d/%d", x.CredentialId, x.ListId, x.Index))
				}
				fmt.Fprintf(out, "%s %s %s %s\n", b.BatchId, strings.TrimPrefix(b.Status.String(), "STATUS_"), b.Vct, strings.Join(cs, " "))
			}
			if r.Next == "" {
				return nil
			}
			after = r.Next
		}
	}
	return nil
}
