package oid4vci

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/amanah-id/amanah/keys"
)

// Received is one credential of a received batch with the holder key it is bound to.
type Received struct {
	Credential string
	Key        keys.PrivateKey
}

// Wallet is the wallet side of the pre-authorized code flow.
type Wallet struct {
	// HTTP is the client (http.DefaultClient with a 30 s timeout if nil).
	HTTP *http.Client
	// Curve of the holder keys (Ed25519 if empty).
	Curve keys.Curve
	// BatchSize caps the batch asked for (0: the issuer's batch_size).
	BatchSize int
}

func (w *Wallet) client() *http.Client {
	if w.HTTP != nil {
		return w.HTTP
	}
	return &http.Client{Timeout: 30 * time.Second}
}

func (w *Wallet) getJSON(ctx context.Context, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	return w.do(req, out)
}

func (w *Wallet) do(req *http.Request, out any) error {
	resp, err := w.client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			return &Error{Code: e.Error, Description: e.Description, Status: resp.StatusCode}
		}
		return fmt.Errorf("%s %s: %s", req.Method, req.URL, resp.Status)
	}
	return json.Unmarshal(b, out)
}

// Receive runs the whole flow for an offer URI: offer (fetched when by reference), issuer
// metadata, token (with txCode when the offer asks for one), c_nonce, and one credential
// request for a batch, each credential bound to its own fresh key.
func (w *Wallet) Receive(ctx context.Context, offerURI, txCode string) ([]Received, *IssuerMetadata, error) {
	offer, ref, err := ParseOfferURI(offerURI)
	if err != nil {
		return nil, nil, err
	}
	if offer == nil {
		var raw json.RawMessage
		if err := w.getJSON(ctx, ref, &raw); err != nil {
			return nil, nil, fmt.Errorf("fetch the credential offer: %w", err)
		}
		if offer, err = ParseOffer(raw); err != nil {
			return nil, nil, err
		}
	}
	iss := strings.TrimRight(offer.CredentialIssuer, "/")
	var md IssuerMetadata
	if err := w.getJSON(ctx, iss+WellKnownIssuer, &md); err != nil {
		return nil, nil, fmt.Errorf("issuer metadata: %w", err)
	}
	if md.CredentialIssuer != offer.CredentialIssuer && strings.TrimRight(md.CredentialIssuer, "/") != iss {
		return nil, nil, fmt.Errorf("issuer metadata names %q, the offer %q", md.CredentialIssuer, offer.CredentialIssuer)
	}
	var as AuthServerMetadata
	if err := w.getJSON(ctx, iss+WellKnownAuthServer, &as); err != nil {
		return nil, nil, fmt.Errorf("authorization server metadata: %w", err)
	}
	g := offer.Grants[GrantPreAuthorizedCode]
	form := url.Values{"grant_type": {GrantPreAuthorizedCode}, "pre-authorized_code": {g.PreAuthorizedCode}}
	if g.TxCode != nil {
		if txCode == "" {
			return nil, nil, fmt.Errorf("the offer asks for a transaction code (%s): pass --tx-code", g.TxCode.Description)
		}
		form.Set("tx_code", txCode)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, as.TokenEndpoint, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok TokenResponse
	if err := w.do(req, &tok); err != nil {
		return nil, nil, fmt.Errorf("token: %w", err)
	}
	n := 1
	if md.BatchCredentialIssuance != nil && md.BatchCredentialIssuance.BatchSize > 0 {
		n = md.BatchCredentialIssuance.BatchSize
	}
	if w.BatchSize > 0 && w.BatchSize < n {
		n = w.BatchSize
	}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, md.NonceEndpoint, nil)
	var nonce NonceResponse
	if err := w.do(req, &nonce); err != nil {
		return nil, nil, fmt.Errorf("nonce: %w", err)
	}
	curve := w.Curve
	if curve == "" {
		curve = keys.Ed25519
	}
	out := make([]Received, n)
	proofs := make([]string, n)
	for i := range out {
		if out[i].Key, err = keys.Generate(curve); err != nil {
			return nil, nil, err
		}
		if proofs[i], err = SignProof(ctx, out[i].Key, ProofClaims{Aud: offer.CredentialIssuer, Iat: time.Now().Unix(), Nonce: nonce.CNonce}); err != nil {
			return nil, nil, err
		}
	}
	body, _ := json.Marshal(map[string]any{"credential_configuration_id": offer.CredentialConfigurationIDs[0], "proofs": map[string]any{"jwt": proofs}})
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, md.CredentialEndpoint, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	var cr CredentialResponse
	if err := w.do(req, &cr); err != nil {
		return nil, nil, fmt.Errorf("credential: %w", err)
	}
	if len(cr.Credentials) != n {
		return nil, nil, fmt.Errorf("asked for %d credentials, got %d", n, len(cr.Credentials))
	}
	for i, c := range cr.Credentials {
		out[i].Credential = c.Credential
	}
	return out, &md, nil
}
