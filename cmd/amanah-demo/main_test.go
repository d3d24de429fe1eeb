package main

import (
	"context"
	"testing"
	"time"
)

// TestDemo runs `make demo` end to end: a real one-node chain and verifier process, the trust
// chain, issuance, selective disclosure, revocation refused within one block, and the proof
// that no personal data reached the ledger (blocks and exported state scanned).
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts amanahd and amanah-verifier processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	if code := runDemo(ctx); code != 0 {
		t.Fatalf("demo exited %d (its output above says which step failed)", code)
	}
}
