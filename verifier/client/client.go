// Package client is a small Go client for the Amanah verifier: it sends the
// relying party's API key with every call, and turns answers into Go values.
package client

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// Client calls amanah.verifier.v1.Verifier.
type Client struct {
	conn   *grpc.ClientConn
	rpc    verifierpb.VerifierClient
	apiKey string
}

// Options configure Dial.
type Options struct {
	// APIKey is the relying party's API key; empty when a client certificate is used.
	APIKey string
	// TLS, when set, is used for the connection (with Certificates for mTLS);
	// nil means plaintext (loopback only).
	TLS *tls.Config
	// DialOptions are appended to the client's own.
	DialOptions []grpc.DialOption
}

// Dial connects to the verifier at target (host:port).
func Dial(target string, o Options) (*Client, error) {
	creds := insecure.NewCredentials()
	if o.TLS != nil {
		creds = credentials.NewTLS(o.TLS)
	}
	conn, err := grpc.NewClient(target, append([]grpc.DialOption{grpc.WithTransportCredentials(creds)}, o.DialOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("verifier %s: %w", target, err)
	}
	return &Client{conn: conn, rpc: verifierpb.NewVerifierClient(conn), apiKey: o.APIKey}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// RPC returns the generated client for calls this package does not wrap.
func (c *Client) RPC() verifierpb.VerifierClient { return c.rpc }

func (c *Client) ctx(ctx context.Context) context.Context {
	if c.apiKey == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, auth.APIKeyHeader, c.apiKey)
}

// Challenge is what the wallet must bind its presentation to.
type Challenge struct {
	Nonce, Audience string
	Expires         time.Time
}

// CreateChallenge asks for a challenge for credential types and claims.
func (c *Client) CreateChallenge(ctx context.Context, audience string, types, claims []string) (Challenge, error) {
	r, err := c.rpc.CreateChallenge(c.ctx(ctx), &verifierpb.CreateChallengeRequest{Audience: audience, CredentialTypes: types, RequestedClaims: claims})
	if err != nil {
		return Challenge{}, err
	}
	return Challenge{Nonce: r.Nonce, Audience: r.Audience, Expires: time.Unix(r.ExpiresAtUnix, 0)}, nil
}

// Policy is what the relying party requires.
type Policy struct {
	AcceptedVCTs   []string
	RequiredClaims []string
	MaxStatusAge   time.Duration
	// Evidence asks for the verdict's evidence (Result.Raw.Evidence), to keep
	// and re-check offline with `amanah verify-evidence`.
	Evidence bool
}

// Result is a verification answer.
type Result struct {
	// Verified is true only when every check passed.
	Verified bool
	// Reason is the stable code of the first failed check.
	Reason string
	// Claims are the disclosed, allowed claims, decoded from JSON.
	Claims map[string]any
	// Issuer, VCT, IssuedAt, ExpiresAt describe the credential.
	Issuer, VCT         string
	IssuedAt, ExpiresAt time.Time
	// Height is the ledger height the answer rests on.
	Height int64
	// Raw is the full response (checks, presentation hash).
	Raw *verifierpb.VerifyPresentationResponse
}

// Verify verifies a presentation made for the challenge nonce.
func (c *Client) Verify(ctx context.Context, presentation, nonce string, p Policy) (*Result, error) {
	r, err := c.rpc.VerifyPresentation(c.ctx(ctx), &verifierpb.VerifyPresentationRequest{Presentation: presentation, Nonce: nonce,
		Policy:          &verifierpb.Policy{AcceptedVcts: p.AcceptedVCTs, RequiredClaims: p.RequiredClaims, MaxStatusAgeSeconds: int64(p.MaxStatusAge / time.Second)},
		IncludeEvidence: p.Evidence})
	if err != nil {
		return nil, err
	}
	res := &Result{Verified: r.Verified, Reason: r.Reason, Issuer: r.Issuer, VCT: r.Vct, Height: r.LedgerHeight, Raw: r,
		Claims: make(map[string]any, len(r.DisclosedClaims))}
	if r.IssuedAtUnix != 0 {
		res.IssuedAt = time.Unix(r.IssuedAtUnix, 0)
	}
	if r.ExpiresAtUnix != 0 {
		res.ExpiresAt = time.Unix(r.ExpiresAtUnix, 0)
	}
	for k, v := range r.DisclosedClaims {
		var x any
		if err := json.Unmarshal([]byte(v), &x); err != nil {
			return nil, fmt.Errorf("claim %s: %w", k, err)
		}
		res.Claims[k] = x
	}
	return res, nil
}
