package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/keys"
)

func TestOpenID4VPConfig(t *testing.T) {
	dir := t.TempDir()
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	jwk, err := k.JWK()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "bank.jwk")
	if err := os.WriteFile(keyFile, jwk, 0o600); err != nil {
		t.Fatal(err)
	}
	parse := func(args ...string) (Config, error) {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		apply := oid4vpFlags(fs)
		if err := fs.Parse(args); err != nil {
			return Config{}, err
		}
		cfg := defaultConfig()
		return cfg, apply(&cfg)
	}
	cfg, err := parse("-public-listen", "127.0.0.1:0", "-public-url", "https://verifier.bank.example/", "-request-key", "did:amanah:t:bank#key-1="+keyFile,
		"-state", "redis://127.0.0.1:6379/0", "-request-ttl", "2m")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.State != "redis://127.0.0.1:6379/0" || cfg.OpenID4VP.PublicURL != "https://verifier.bank.example" {
		t.Fatalf("%+v", cfg)
	}
	oid, err := openID4VP(cfg.OpenID4VP)
	if err != nil {
		t.Fatal(err)
	}
	if oid.Keys["did:amanah:t:bank"].Kid != "did:amanah:t:bank#key-1" || oid.TTL.Minutes() != 2 {
		t.Fatalf("%+v", oid)
	}
	if oid, err := openID4VP(OpenID4VPConfig{}); oid != nil || err != nil {
		t.Fatalf("off: %v %v", oid, err)
	}
	for name, tc := range map[string]struct {
		c    OpenID4VPConfig
		want string
	}{
		"no url":        {OpenID4VPConfig{PublicListen: ":1", RequestKeys: []RequestKeyConfig{{Kid: "did:a:b#k", KeyFile: keyFile}}}, "public_url"},
		"http url":      {OpenID4VPConfig{PublicListen: ":1", PublicURL: "http://verifier.example", RequestKeys: []RequestKeyConfig{{Kid: "did:a:b#k", KeyFile: keyFile}}}, "public_url"},
		"no keys":       {OpenID4VPConfig{PublicListen: ":1", PublicURL: "https://v.example"}, "at least one request key"},
		"kid not a URL": {OpenID4VPConfig{PublicListen: ":1", PublicURL: "https://v.example", RequestKeys: []RequestKeyConfig{{Kid: "did:a:b", KeyFile: keyFile}}}, "DID URL"},
		"missing file":  {OpenID4VPConfig{PublicListen: ":1", PublicURL: "https://v.example", RequestKeys: []RequestKeyConfig{{Kid: "did:a:b#k", KeyFile: filepath.Join(dir, "nope")}}}, "no such file"},
		"two keys":      {OpenID4VPConfig{PublicListen: ":1", PublicURL: "https://v.example", RequestKeys: []RequestKeyConfig{{Kid: "did:a:b#k", KeyFile: keyFile}, {Kid: "did:a:b#j", KeyFile: keyFile}}}, "a second key"},
	} {
		if _, err := openID4VP(tc.c); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	if _, err := parse("-request-key", "nokey"); err == nil {
		t.Error("-request-key without =")
	}
}
