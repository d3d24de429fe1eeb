// Package auth authenticates relying parties: API keys and mTLS client
// certificates, each bound to the relying party's DID, and per-party rate
// limits. The interceptors put the party's DID in the request context.
package auth

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	grpcauth "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/auth"
	"golang.org/x/time/rate"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"

	"github.com/amanah-id/amanah/verifier/reason"
)

// APIKeyHeader is the metadata key (HTTP header) carrying an API key; the
// "authorization: Bearer <key>" form is also accepted.
const APIKeyHeader = "x-api-key"

// Client is one relying party's credentials.
type Client struct {
	// DID is the relying party's DID, registered in x/trust.
	DID string `json:"did" yaml:"did"`
	// APIKeySHA256 are hex SHA-256 digests of the party's API keys.
	APIKeySHA256 []string `json:"api_key_sha256,omitempty" yaml:"api_key_sha256,omitempty"`
	// APIKeys are plain API keys (tests and demos; prefer digests).
	APIKeys []string `json:"api_keys,omitempty" yaml:"api_keys,omitempty"`
	// CertNames are client-certificate names bound to the party: a URI SAN,
	// a DNS SAN or the subject common name.
	CertNames []string `json:"cert_names,omitempty" yaml:"cert_names,omitempty"`
}

// Authenticator maps presented credentials to relying-party DIDs.
type Authenticator struct {
	byKey  map[[32]byte]string
	byCert map[string]string
}

// New returns an authenticator for clients.
func New(clients []Client) (*Authenticator, error) {
	a := &Authenticator{byKey: map[[32]byte]string{}, byCert: map[string]string{}}
	for _, c := range clients {
		if !strings.HasPrefix(c.DID, "did:") {
			return nil, fmt.Errorf("auth: client %q: DID required", c.DID)
		}
		for _, k := range c.APIKeys {
			if len(k) < 16 {
				return nil, fmt.Errorf("auth: client %s: API key shorter than 16 characters", c.DID)
			}
			a.byKey[sha256.Sum256([]byte(k))] = c.DID
		}
		for _, h := range c.APIKeySHA256 {
			b, err := hex.DecodeString(h)
			if err != nil || len(b) != sha256.Size {
				return nil, fmt.Errorf("auth: client %s: api_key_sha256 must be 64 hex digits", c.DID)
			}
			a.byKey[[32]byte(b)] = c.DID
		}
		for _, n := range c.CertNames {
			if prev, dup := a.byCert[n]; dup && prev != c.DID {
				return nil, fmt.Errorf("auth: certificate name %q bound to %s and %s", n, prev, c.DID)
			}
			a.byCert[n] = c.DID
		}
	}
	return a, nil
}

// ErrUnauthenticated: no credential, or one bound to no relying party.
var ErrUnauthenticated = errors.New("unauthenticated")

// Authenticate returns the DID of the relying party that made the call.
// An API key, when sent, decides; otherwise the verified mTLS client
// certificate does.
func (a *Authenticator) Authenticate(ctx context.Context) (string, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	key := ""
	if v := md.Get(APIKeyHeader); len(v) > 0 {
		key = v[0]
	} else if v, err := grpcauth.AuthFromMD(ctx, "bearer"); err == nil {
		key = v
	}
	if key != "" {
		if did, ok := a.byKey[sha256.Sum256([]byte(key))]; ok {
			return did, nil
		}
		return "", fmt.Errorf("%w: unknown API key", ErrUnauthenticated)
	}
	if p, ok := peer.FromContext(ctx); ok {
		if ti, ok := p.AuthInfo.(credentials.TLSInfo); ok && len(ti.State.VerifiedChains) > 0 {
			if did, ok := a.certDID(ti.State.VerifiedChains[0][0]); ok {
				return did, nil
			}
			return "", fmt.Errorf("%w: client certificate bound to no relying party", ErrUnauthenticated)
		}
	}
	return "", fmt.Errorf("%w: no API key or client certificate", ErrUnauthenticated)
}

func (a *Authenticator) certDID(c *x509.Certificate) (string, bool) {
	for _, u := range c.URIs {
		if did, ok := a.byCert[u.String()]; ok {
			return did, true
		}
	}
	for _, n := range c.DNSNames {
		if did, ok := a.byCert[n]; ok {
			return did, true
		}
	}
	did, ok := a.byCert[c.Subject.CommonName]
	return did, ok
}

type partyKey struct{}

// WithParty returns ctx carrying the relying party's DID.
func WithParty(ctx context.Context, did string) context.Context {
	return context.WithValue(ctx, partyKey{}, did)
}

// PartyFrom returns the relying party's DID put in ctx by the interceptor.
func PartyFrom(ctx context.Context) (string, bool) {
	did, ok := ctx.Value(partyKey{}).(string)
	return did, ok && did != ""
}

// AuthFunc is the go-grpc-middleware auth function: UNAUTHENTICATED (reason
// unauthenticated in a google.rpc.ErrorInfo detail) unless the caller is a
// known relying party.
func (a *Authenticator) AuthFunc(ctx context.Context) (context.Context, error) {
	did, err := a.Authenticate(ctx)
	if err != nil {
		return nil, reason.Error(codes.Unauthenticated, reason.Unauthenticated, "%v", err)
	}
	return WithParty(ctx, did), nil
}

// UnaryServerInterceptor authenticates every call it sees.
func (a *Authenticator) UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	return grpcauth.UnaryServerInterceptor(a.AuthFunc)
}

// Limiter applies a token bucket per relying party.
type Limiter struct {
	rate  rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

// NewLimiter returns a per-party limiter of perSecond requests with burst.
func NewLimiter(perSecond float64, burst int) *Limiter {
	return &Limiter{rate: rate.Limit(perSecond), burst: max(burst, 1), m: map[string]*rate.Limiter{}}
}

// ErrRateLimited: the party is over its rate.
var ErrRateLimited = errors.New("rate_limited")

// Limit implements the go-grpc-middleware ratelimit.Limiter for the party in ctx.
func (l *Limiter) Limit(ctx context.Context) error {
	did, _ := PartyFrom(ctx)
	l.mu.Lock()
	lim, ok := l.m[did]
	if !ok {
		lim = rate.NewLimiter(l.rate, l.burst)
		l.m[did] = lim
	}
	l.mu.Unlock()
	if !lim.Allow() {
		return fmt.Errorf("%w: relying party %s over %v requests/s", ErrRateLimited, did, float64(l.rate))
	}
	return nil
}

// UnaryServerInterceptor refuses a call over its party's rate with
// RESOURCE_EXHAUSTED, reason rate_limited in a google.rpc.ErrorInfo detail.
// It must run after the authentication interceptor.
func (l *Limiter) UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if err := l.Limit(ctx); err != nil {
			return nil, reason.Error(codes.ResourceExhausted, reason.RateLimited, "%v; retry later", err)
		}
		return handler(ctx, req)
	}
}
