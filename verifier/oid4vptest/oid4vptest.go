// Package oid4vptest serves OpenID4VP on the real test chain
// (verifier/ledger/chaintest): a verifier for the chain's Bank, assembled as
// cmd/amanah-verifier assembles it, with the Bank's key-1 as its
// request-signing key, gRPC on one loopback listener and the public
// endpoints wallets call on another; and the wallet's options for a
// credential. The flow tests, the checkout example's browser test and the
// interop harness start their verifier here.
package oid4vptest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/openid4vp"
	"github.com/amanah-id/amanah/openid4vp/holder"
	"github.com/amanah-id/amanah/verifier/assemble"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/service"
	"github.com/amanah-id/amanah/verifier/state"
	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// APIKey is the Bank's API key at the test verifier.
const APIKey = "bank-api-key-0123456789abcdef"

// KeyFrag is the Bank's request-signing key (an assertionMethod).
const KeyFrag = "#key-1"

// RegisterClientID re-registers the Bank (registration version) with its
// OpenID4VP client id among its audiences, beside chaintest.Audience.
func RegisterClientID(w *chaintest.World, version uint64) {
	w.RegisterBank(version, chaintest.Audience, openid4vp.ClientIDOf(w.Bank.ID))
}

// Options configure Start.
type Options struct {
	// View is the ledger view (a proof-checked view of the chain if nil).
	View *node.View
	// State is the state store (in memory if nil).
	State state.Store
	// Clients are extra relying parties (the Bank is always one, with APIKey).
	Clients []auth.Client
	// TTL is the request TTL (service.DefaultRequestTTL if 0).
	TTL time.Duration
}

// Verifier is a serving verifier.
type Verifier struct {
	*assemble.Verifier
	// View is the ledger view it reads.
	View *node.View
	// GRPCAddr is the gRPC listener's address; PublicURL the public endpoints' base URL.
	GRPCAddr, PublicURL string
	// Client calls the gRPC service (add the API key with Ctx).
	Client verifierpb.VerifierClient
}

// Ctx returns ctx carrying the Bank's API key.
func Ctx(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, auth.APIKeyHeader, APIKey)
}

// Start serves a verifier for w's Bank until the test ends.
func Start(t testing.TB, w *chaintest.World, o Options) *Verifier {
	t.Helper()
	view := o.View
	if view == nil {
		view = w.OpenView(ledger.Config{Freshness: 60 * time.Second})
	}
	glis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	plis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	publicURL := "http://" + plis.Addr().String()
	clients := append([]auth.Client{{DID: w.Bank.ID, APIKeys: []string{APIKey}}}, o.Clients...)
	v, err := assemble.New(assemble.Config{Clients: clients, State: o.State, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		OpenID4VP: &service.OpenID4VPConfig{PublicURL: publicURL, TTL: o.TTL,
			Keys: map[string]service.RequestKey{w.Bank.ID: {Kid: w.Bank.ID + KeyFrag, Signer: jws.NewKeySigner(w.Bank.Key)}}}},
		func(ledger.Observer) (assemble.Ledger, error) { return assemble.Ledger{Cache: view.Cache}, nil })
	require.NoError(t, err)
	require.NoError(t, v.Service.CheckRequestKeys(context.Background()))
	go func() { _ = v.Server.Serve(glis) }()
	hs := &http.Server{Handler: v.Public, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(plis) }()
	conn, err := grpc.NewClient(glis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = conn.Close()
		_ = hs.Close()
		v.Server.GRPC.Stop()
	})
	return &Verifier{Verifier: v, View: view, GRPCAddr: glis.Addr().String(), PublicURL: publicURL, Client: verifierpb.NewVerifierClient(conn)}
}

// IssuanceForm returns c in issuance form (every disclosure), as a wallet stores it.
func IssuanceForm(t testing.TB, c *chaintest.Credential) string {
	t.Helper()
	s, err := c.SDJWT.Present(context.Background(), c.SDJWT.Paths(), nil)
	require.NoError(t, err)
	return s
}

// Wallet returns the wallet's options for credentials held with c's key,
// reading the ledger through view and consenting to everything.
func Wallet(t testing.TB, view ledger.View, c *chaintest.Credential, more ...*chaintest.Credential) holder.Options {
	creds := []holder.Credential{{Name: "national-id", SDJWT: IssuanceForm(t, c)}}
	for i, m := range more {
		creds = append(creds, holder.Credential{Name: "national-id-" + string(rune('2'+i)), SDJWT: IssuanceForm(t, m)})
	}
	return holder.Options{Ledger: ledger.HolderLedger{View: view}, Credentials: creds, Holder: c.Key,
		Consent: func(*holder.Plan) (bool, error) { return true, nil }}
}
