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
		c.Clients[0].DID != "did:amanah:demo:bank-one" || c.Cache.MaxDIDs != 1<<20 {
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
	key := []string{"-api-key", "did:amanah:x:y=0123456789abcdef"}
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
		"no node":            {cat(key, root), "at least one node"},
		"no client":          {cat(node, root), "no relying-party clients"},
		"old node form":      {cat([]string{"-node", "a=127.0.0.1:1,http://127.0.0.1:2"}, key, root), "want name=https://"},
		"plaintext node":     {cat([]string{"-node", "a=http://127.0.0.1:2"}, key, root), "plaintext"},
		"not a URL":          {cat([]string{"-node", "a=127.0.0.1:2"}, key, root), "https:// URL"},
		"no trust root":      {cat(node, key), "trust:"},
		"bad trust hash":     {cat(node, key, []string{"-chain-id", "c", "-trust-height", "1", "-trust-hash", "xyz"}), "trust hash"},
		"missing root file":  {cat(node, key, []string{"-trust-root", filepath.Join(dir, "none.json")}), "trust root"},
		"missing node CA":    {cat(node, key, root, []string{"-node-ca", filepath.Join(dir, "none.pem")}), "node CA"},
		"half a client cert": {cat(node, key, root, []string{"-node-cert", "c.pem"}), "both the certificate and its key"},
		"short key":          {cat(node, root, []string{"-api-key", "did:amanah:x:y=short"}), ""},
		"half of TLS":        {cat(node, key, root, []string{"-tls-cert", "c.pem"}), "cert and key"},
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
