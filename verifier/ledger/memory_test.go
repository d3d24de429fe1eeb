package ledger_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/ledgertest"
)

// TestMemoryPerDID caches 50,000 issuer DIDs (one Ed25519 assertion key each)
// and checks that 1M would stay under 300 MB (the design's bound).
func TestMemoryPerDID(t *testing.T) {
	if testing.Short() {
		t.Skip("memory measurement")
	}
	const n = 50_000
	chain := ledgertest.NewChain(nil)
	node := chain.NewNode("n")
	c, _ := ledger.NewCache(ledger.Config{Freshness: time.Hour}, node)
	dids := make([]string, n)
	for i := range dids {
		k, err := keys.Generate(keys.Ed25519)
		if err != nil {
			t.Fatal(err)
		}
		dids[i] = didcore.AmanahDID("testnet", k.Public())
		chain.PutDID(doc(t, dids[i], k.Public(), "#key-1"), time.Now().Add(-time.Hour))
	}
	chain.Commit()
	if err := c.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	now := time.Now()
	for _, d := range dids {
		if _, err := c.IssuerKey(context.Background(), d, d+"#key-1", now); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("%.0f bytes per cached DID; 1M DIDs ≈ %.0f MB", per, per*1e6/1e6)
	if per*1e6 > 300e6 {
		t.Fatalf("%.0f bytes per DID: 1M DIDs would exceed 300 MB", per)
	}
	runtime.KeepAlive(c)
	runtime.KeepAlive(chain)
}
