package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
)

// TestRefusesForeignRequestKey runs the command against a real in-process
// chain with a request key that is not an assertionMethod of the bank's DID:
// it refuses to start (once its view has synced), naming the key.
func TestRefusesForeignRequestKey(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process chain")
	}
	w := chaintest.New(t)
	dir := t.TempDir()
	lb, err := proved.FetchLightBlock(context.Background(), w.RPCURL(), 1, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	rf, err := node.NewTrustRootFile(lb)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := json.Marshal(rf)
	root := filepath.Join(dir, "root.json")
	if err := os.WriteFile(root, rb, 0o600); err != nil {
		t.Fatal(err)
	}
	foreign, _ := keys.Generate(keys.Ed25519)
	jwk, _ := foreign.JWK()
	keyFile := filepath.Join(dir, "key.jwk")
	if err := os.WriteFile(keyFile, jwk, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(apiKeysEnv, w.Bank.ID+"=0123456789abcdef0123")
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-listen", freeAddr(t), "-rest", "off", "-metrics", "off", "-node", "n=" + w.RPCURL(), "-allow-plaintext-nodes",
			"-trust-root", root, "-freshness", "60s", "-public-listen", freeAddr(t), "-public-url", "http://127.0.0.1:1",
			"-request-key", w.Bank.ID + "#key-1=" + keyFile})
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "refusing to start") || !strings.Contains(err.Error(), w.Bank.ID+"#key-1") {
			t.Fatalf("want a refusal naming the key, got %v", err)
		}
	case <-time.After(90 * time.Second):
		t.Fatal("the verifier did not refuse within 90 s")
	}
}
