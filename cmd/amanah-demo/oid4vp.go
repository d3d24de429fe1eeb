package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/openid4vp"
	"github.com/amanah-id/amanah/openid4vp/holder"
	"github.com/amanah-id/amanah/verifier/client"
	vledger "github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// oid4vpDemo is the OpenID4VP part of the story: the bank's request-signing
// key (its DID's key-1, an assertionMethod), the verifier's public endpoint,
// and the protocol the presentation went over.
type oid4vpDemo struct {
	bankKey   keys.PrivateKey
	publicURL string
	protocol  string
}

// verifierArgs writes the bank's request key for the verifier and returns
// the flags that serve OpenID4VP on a free loopback port.
func (s *story) oid4vpVerifierArgs() ([]string, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	jwk, err := s.oid4vp.bankKey.JWK()
	if err != nil {
		return nil, err
	}
	keyFile := filepath.Join(s.dir, "bank-request-key.jwk")
	if err := os.WriteFile(keyFile, jwk, 0o600); err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s.oid4vp.publicURL = "http://" + addr
	return []string{"--public-listen", addr, "--public-url", s.oid4vp.publicURL, "--request-key", s.bank + "#key-1=" + keyFile}, nil
}

// bankAudiences are the audiences the bank registers: its checkout origin and its OpenID4VP client id.
func (s *story) bankAudiences() []string {
	return []string{bankAudience, openid4vp.ClientIDOf(s.bank)}
}

// presentOpenID4VP: the bank asks over OpenID4VP; the citizen's wallet is
// given only the request URI: it reads the bank's DID and registration
// through the node with proofs (the verifier's trust root), shows what will
// leave, presents only that, encrypted; the bank awaits the verdict.
func (s *story) presentOpenID4VP(ctx context.Context) (string, error) {
	c, err := s.dial()
	if err != nil {
		return "", err
	}
	defer c.Close()
	req, err := c.CreatePresentationRequest(ctx, client.PresentationQuery{VCTs: []string{trusttypes.NationalIDVCT}, Claims: disclosed})
	if err != nil {
		return "", fmt.Errorf("presentation request: %w", err)
	}
	// The wallet: its own proof-checked view of the ledger, from the same trust root.
	view, err := node.Open(node.Options{Root: proved.TrustRoot{ChainID: s.root.ChainID, Height: s.root.Height, Hash: s.root.Hash(), Period: 24 * time.Hour},
		Nodes: []proved.Endpoint{{Name: "node0", URL: s.net.Node(0).RPCURL()}}, AllowPlaintext: true, Cache: vledger.Config{Freshness: time.Minute},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}) // the demo's own node, on loopback: no plaintext warning
	if err != nil {
		return "", err
	}
	vctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go view.Run(vctx)
	for deadline := time.Now().Add(60 * time.Second); view.Cache.Fresh() != nil; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			return "", fmt.Errorf("the wallet's ledger view did not sync: %w", view.Cache.Fresh())
		}
	}
	var shown string
	out, err := holder.Present(ctx, req.URI, holder.Options{Ledger: vledger.HolderLedger{View: view.Cache},
		Credentials: []holder.Credential{{Name: "national-id", SDJWT: s.credential}}, Holder: s.holder,
		Consent: func(p *holder.Plan) (bool, error) {
			shown = fmt.Sprintf("%s: %s", p.RelyingPartyName, strings.Join(p.Disclosures[0].Claims, ", "))
			return true, nil
		}})
	if err != nil {
		return "", fmt.Errorf("wallet: %w", err)
	}
	actx, acancel := context.WithTimeout(ctx, 30*time.Second)
	defer acancel()
	res, err := c.AwaitPresentationResult(actx, req.TransactionID, "")
	if err != nil {
		return "", err
	}
	if !res.Verified || len(res.Credentials) != 1 {
		return "", fmt.Errorf("not verified: %s", res.Reason)
	}
	var names []string
	for k := range res.Credentials[0].Verdict.DisclosedClaims {
		names = append(names, k)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "age_over_18,given_name" {
		return "", fmt.Errorf("verifier returned claims %v, want exactly %v", names, disclosed)
	}
	s.oid4vp.protocol = "openid4vp"
	return fmt.Sprintf("request %s… (QR %d bytes); the wallet verified the request against %s on the ledger and showed %q; "+
		"it answered direct_post.jwt to %s; verified at height %d (credential query %q)%s",
		req.URI[:40], len(req.QRPNG), s.bank, shown, s.oid4vp.publicURL, res.Credentials[0].Verdict.LedgerHeight,
		res.Credentials[0].CredentialQueryId, redirectNote(out.RedirectURI)), nil
}

func redirectNote(r string) string {
	if r == "" {
		return ""
	}
	return "; redirect " + r
}
