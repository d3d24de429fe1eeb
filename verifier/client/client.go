// Package client is a small Go client for the Amanah verifier: it sends the
// relying party's API key with every call, and turns answers into Go values.
// It speaks TLS unless told otherwise (Options.Insecure, loopback only).
package client

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
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
	// TLS configures the connection (RootCAs to pin the verifier's CA,
	// Certificates for mTLS); nil means TLS 1.2+ verified against the
	// system's roots.
	TLS *tls.Config
	// Insecure asks for plaintext, allowed only to a loopback address
	// (127.0.0.0/8, ::1, localhost) or a unix socket: local development and
	// tests. An API key sent in plaintext elsewhere could be read on the way.
	Insecure bool
	// DialOptions are appended to the client's own.
	DialOptions []grpc.DialOption
}

// ErrPlaintextNotLocal: Options.Insecure with a target that is not on this machine.
var ErrPlaintextNotLocal = errors.New("plaintext (Options.Insecure) is allowed only to a loopback address or a unix socket")

// Dial connects to the verifier at target (host:port), over TLS unless
// o.Insecure.
func Dial(target string, o Options) (*Client, error) {
	var creds credentials.TransportCredentials
	switch {
	case o.Insecure && o.TLS != nil:
		return nil, fmt.Errorf("verifier %s: Options.Insecure and Options.TLS both set", target)
	case o.Insecure:
		if !isLocal(target) {
			return nil, fmt.Errorf("verifier %s: %w", target, ErrPlaintextNotLocal)
		}
		creds = insecure.NewCredentials()
	case o.TLS != nil:
		creds = credentials.NewTLS(o.TLS)
	default:
		creds = credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	}
	conn, err := grpc.NewClient(target, append([]grpc.DialOption{grpc.WithTransportCredentials(creds)}, o.DialOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("verifier %s: %w", target, err)
	}
	return &Client{conn: conn, rpc: verifierpb.NewVerifierClient(conn), apiKey: o.APIKey}, nil
}

// isLocal reports whether a gRPC target names this machine: a unix socket,
// or host:port (optionally after a dns:/// or passthrough:/// scheme) whose
// host is localhost or a loopback IP.
func isLocal(target string) bool {
	if strings.HasPrefix(target, "unix:") || strings.HasPrefix(target, "unix-abstract:") {
		return true
	}
	if _, rest, ok := strings.Cut(target, ":///"); ok {
		target = rest
	}
	host, _, err := net.SplitHostPort(target)
	if err != nil {
		host = target
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
