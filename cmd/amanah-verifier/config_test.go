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
	if len(c.Nodes) != 2 || c.Nodes[1].RPC != "http://127.0.0.1:26757" || time.Duration(c.Freshness) != 15*time.Second ||
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
	for name, args := range map[string][]string{
		"no node":     {"-api-key", "did:amanah:x:y=0123456789abcdef"},
		"no client":   {"-node", "a=127.0.0.1:1,http://127.0.0.1:2"},
		"bad node":    {"-node", "a=127.0.0.1:1", "-api-key", "did:amanah:x:y=0123456789abcdef"},
		"short key":   {"-node", "a=127.0.0.1:1,http://127.0.0.1:2", "-api-key", "did:amanah:x:y=short"},
		"half of TLS": {"-node", "a=127.0.0.1:1,http://127.0.0.1:2", "-api-key", "did:amanah:x:y=0123456789abcdef", "-tls-cert", "c.pem"},
	} {
		if err := run(args); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
