package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExampleConfigLoads(t *testing.T) {
	c := defaultConfig()
	if err := loadConfig("amanah-verifier.example.yaml", &c); err != nil {
		t.Fatal(err)
	}
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
	if len(c.Nodes) != 2 || c.Nodes[1].RPC != "https://127.0.0.1:26667" || time.Duration(c.Freshness) != 15*time.Second ||
		c.Clients[0].DID != "did:amanah:demo:bank-one" || c.Cache.MaxDIDs != 1<<20 || !c.Reflection || c.FailedAuthLimit.Burst != 20 {
		t.Fatalf("config %+v", c)
	}
}

func TestConfigRejects(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"unknown field": "listen: x\nlisten_address: y\n",
		"bad duration":  "freshness: soon\n",
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		c := defaultConfig()
		if err := loadConfig(p, &c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	root := []string{"-chain-id", "amanah-test", "-trust-height", "1", "-trust-hash", strings.Repeat("ab", 32)}
	keyFile := filepath.Join(dir, "keys")
	if err := os.WriteFile(keyFile, []byte("did:amanah:x:y=0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	shortFile := filepath.Join(dir, "short-keys")
	if err := os.WriteFile(shortFile, []byte("did:amanah:x:y=short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	key := []string{"-api-keys-file", keyFile}
	node := []string{"-node", "a=https://127.0.0.1:2"}
	cat := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"no node":                 {cat(key, root), "at least one node"},
		"no client":               {cat(node, root), "no relying-party clients"},
		"old node form":           {cat([]string{"-node", "a=127.0.0.1:1,http://127.0.0.1:2"}, key, root), "want name=https://"},
		"plaintext node":          {cat([]string{"-node", "a=http://127.0.0.1:2"}, key, root), "plaintext"},
		"not a URL":               {cat([]string{"-node", "a=127.0.0.1:2"}, key, root), "https:// URL"},
		"no trust root":           {cat(node, key), "trust:"},
		"bad trust hash":          {cat(node, key, []string{"-chain-id", "c", "-trust-height", "1", "-trust-hash", "xyz"}), "trust hash"},
		"missing root file":       {cat(node, key, []string{"-trust-root", filepath.Join(dir, "none.json")}), "trust root"},
		"missing node CA":         {cat(node, key, root, []string{"-node-ca", filepath.Join(dir, "none.pem")}), "node CA"},
		"half a client cert":      {cat(node, key, root, []string{"-node-cert", "c.pem"}), "both the certificate and its key"},
		"short key":               {cat(node, root, []string{"-api-keys-file", shortFile}), "shorter than 16"},
		"key on the command line": {cat(node, root, []string{"--api-key", "did:amanah:x:y=0123456789abcdef"}), "-api-key was removed"},
		"missing keys file":       {cat(node, root, []string{"-api-keys-file", filepath.Join(dir, "none")}), "api keys file"},
		"half of TLS":             {cat(node, key, root, []string{"-tls-cert", "c.pem"}), "cert and key"},
	} {
		err := run(tc.args)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want it to say %q", name, err, tc.want)
		}
	}
}

func TestAPIKeysFromFileAndEnv(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "keys")
	body := "# relying parties\ndid:amanah:x:a=0123456789abcdef\n\n  did:amanah:x:b=sha256:" + strings.Repeat("ab", 32) + "\n"
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(apiKeysEnv, "did:amanah:x:c=fedcba9876543210 did:amanah:x:d=fedcba9876543210x")
	c := Config{APIKeysFile: p}
	var warn strings.Builder
	if err := loadAPIKeys(&c, &warn); err != nil {
		t.Fatal(err)
	}
	if len(c.Clients) != 4 || c.Clients[0].APIKeys[0] != "0123456789abcdef" || c.Clients[1].APIKeySHA256[0] != strings.Repeat("ab", 32) ||
		c.Clients[3].DID != "did:amanah:x:d" || warn.Len() != 0 {
		t.Fatalf("clients %+v, warning %q", c.Clients, warn.String())
	}
	if _, ok := os.LookupEnv(apiKeysEnv); ok {
		t.Fatal("the environment variable was left set")
	}
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	c = Config{APIKeysFile: p}
	if err := loadAPIKeys(&c, &warn); err != nil || !strings.Contains(warn.String(), "readable by group or others") {
		t.Fatalf("world-readable file: %v, warning %q", err, warn.String())
	}
}

func TestParseAPIKeysRejects(t *testing.T) {
	for name, in := range map[string]string{
		"empty":           "",
		"only comments":   "# nothing\n",
		"no equals":       "did:amanah:x:a",
		"not a DID":       "bank=0123456789abcdef",
		"empty key":       "did:amanah:x:a=",
		"flag form":       "-api-key did:amanah:x:a=0123456789abcdef",
		"secret in error": "did:amanah:x:a=0123456789abcdef nokeyhere-SECRET",
	} {
		_, err := parseAPIKeys(in)
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "0123456789abcdef") {
			t.Errorf("%s: error repeats a key: %v", name, err)
		}
	}
}

func FuzzParseAPIKeys(f *testing.F) {
	f.Add("did:amanah:x:a=0123456789abcdef\n# c\ndid:amanah:x:b=sha256:" + strings.Repeat("ab", 32))
	f.Add("did:=\n=\n did:x=y z")
	f.Fuzz(func(t *testing.T, in string) {
		cs, err := parseAPIKeys(in)
		if err != nil {
			return
		}
		for _, c := range cs {
			if !strings.HasPrefix(c.DID, "did:") || len(c.APIKeys)+len(c.APIKeySHA256) != 1 {
				t.Fatalf("client %+v from %q", c, in)
			}
		}
	})
}
