package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/openid4vp"
	"github.com/amanah-id/amanah/verifier/assemble"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/server"
	"github.com/amanah-id/amanah/verifier/service"
	"github.com/amanah-id/amanah/verifier/state"
)

// OpenID4VPConfig configures OpenID4VP presentation requests and the public
// listener wallets call.
type OpenID4VPConfig struct {
	// PublicListen is the public listener's address (no API key; "" or "off": no OpenID4VP).
	PublicListen string `json:"public_listen"`
	// PublicURL is the base URL wallets reach it at (https; http on loopback only).
	PublicURL string `json:"public_url"`
	// RequestTTL is how long a request is answerable (5m if 0).
	RequestTTL Duration `json:"request_ttl"`
	// RequestKeys are the relying parties' request-signing keys: each an
	// assertionMethod of its party's DID (checked at start).
	RequestKeys []RequestKeyConfig `json:"request_keys"`
}

// RequestKeyConfig is one request-signing key: its DID URL and its private JWK file.
type RequestKeyConfig struct {
	Kid     string `json:"kid"`
	KeyFile string `json:"key_file"`
}

// oid4vpFlags registers the OpenID4VP and state flags; apply copies the
// ones given into cfg.
func oid4vpFlags(fs *flag.FlagSet) (apply func(cfg *Config) error) {
	publicListen := fs.String("public-listen", "", "OpenID4VP public listener address (wallets; no API key)")
	publicURL := fs.String("public-url", "", "base URL wallets reach the public listener at")
	ttl := fs.Duration("request-ttl", 0, "OpenID4VP request lifetime")
	st := fs.String("state", "", "state store for challenges and OpenID4VP transactions: memory (default) or redis://host:port/db")
	var keyFlags listFlag
	fs.Var(&keyFlags, "request-key", "relying party request-signing key as did-url=private-jwk-file (repeatable)")
	return func(cfg *Config) error {
		if *publicListen != "" {
			cfg.OpenID4VP.PublicListen = *publicListen
		}
		if *publicURL != "" {
			cfg.OpenID4VP.PublicURL = strings.TrimRight(*publicURL, "/")
		}
		if *ttl > 0 {
			cfg.OpenID4VP.RequestTTL = Duration(*ttl)
		}
		if *st != "" {
			cfg.State = *st
		}
		for _, k := range keyFlags {
			kid, file, ok := strings.Cut(k, "=")
			if !ok || kid == "" || file == "" {
				return fmt.Errorf("-request-key %q: want did-url=private-jwk-file", k)
			}
			cfg.OpenID4VP.RequestKeys = append(cfg.OpenID4VP.RequestKeys, RequestKeyConfig{Kid: kid, KeyFile: file})
		}
		return nil
	}
}

func (c OpenID4VPConfig) enabled() bool { return c.PublicListen != "" && c.PublicListen != "off" }

// openID4VP returns the service's OpenID4VP configuration (nil when not enabled).
func openID4VP(c OpenID4VPConfig) (*service.OpenID4VPConfig, error) {
	if !c.enabled() {
		return nil, nil
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if err := openid4vp.CheckHTTPURL(c.PublicURL); err != nil {
		return nil, fmt.Errorf("openid4vp.public_url (-public-url): %w", err)
	}
	out := &service.OpenID4VPConfig{PublicURL: c.PublicURL, TTL: time.Duration(c.RequestTTL), Keys: map[string]service.RequestKey{}}
	for _, k := range c.RequestKeys {
		did, _, ok := strings.Cut(k.Kid, "#")
		if !ok || !strings.HasPrefix(did, "did:") {
			return nil, fmt.Errorf("request key %q: the kid is a DID URL (did:...#fragment)", k.Kid)
		}
		if _, dup := out.Keys[did]; dup {
			return nil, fmt.Errorf("request key %q: a second key for %s", k.Kid, did)
		}
		b, err := os.ReadFile(k.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("request key %s: %w", k.Kid, err)
		}
		priv, err := keys.ParsePrivateJWK(b)
		if err != nil {
			return nil, fmt.Errorf("request key %s: %s: %w", k.Kid, k.KeyFile, err)
		}
		out.Keys[did] = service.RequestKey{Kid: k.Kid, Signer: jws.NewKeySigner(priv)}
	}
	if len(out.Keys) == 0 {
		return nil, errors.New("openid4vp: at least one request key (-request-key) is needed with a public listener")
	}
	return out, nil
}

// openState opens the state store named by cfg.State.
func openState(cfg Config) (state.Store, error) {
	return state.Open(context.Background(), cfg.State, challenge.Config{TTL: time.Duration(cfg.ChallengeTTL)})
}

// startPublic waits (up to a minute) for the ledger view, refuses to go on
// if a request key is not an assertionMethod of its party's DID on the
// ledger, then serves the public endpoints; it returns the server (nil when
// OpenID4VP is off).
func startPublic(ctx context.Context, cfg Config, v *assemble.Verifier, cache *ledger.Cache, errc chan<- error) (*http.Server, error) {
	if !cfg.OpenID4VP.enabled() {
		return nil, nil
	}
	deadline := time.Now().Add(time.Minute)
	for cache.Fresh() != nil {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("openid4vp: the ledger view did not sync within a minute: %w", cache.Fresh())
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err := v.Service.CheckRequestKeys(ctx); err != nil {
		return nil, fmt.Errorf("openid4vp: refusing to start: %w", err)
	}
	lis, err := net.Listen("tcp", cfg.OpenID4VP.PublicListen)
	if err != nil {
		return nil, err
	}
	hs := server.NewHTTPServer(cfg.OpenID4VP.PublicListen, v.Public, nil)
	go func() { errc <- ignoreClosed(hs.Serve(lis)) }()
	return hs, nil
}
