package ledger_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/ledgertest"
)

type fixture struct {
	chain *ledgertest.Chain
	node  *ledgertest.Node
	cache *ledger.Cache
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{chain: ledgertest.NewChain(nil), now: time.Now()}
	f.node = f.chain.NewNode("n0")
	c, err := ledger.NewCache(ledger.Config{Freshness: time.Minute}, f.node.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	f.cache = c
	return f
}

// apply feeds the cache the chain's next block directly (no event loop).
func (f *fixture) apply() ledger.Block {
	b := f.chain.Commit()
	f.cache.Apply("n0", b)
	return b
}

func doc(t *testing.T, did string, k keys.PublicKey, frag string) *didcore.Document {
	t.Helper()
	return &didcore.Document{Context: []string{didcore.ContextV1}, ID: did,
		VerificationMethods: []didcore.VerificationMethod{{ID: did + frag, Type: didcore.TypeMultikey, Controller: did, PublicKeyMultibase: k.Multikey()}},
		AssertionMethod:     []didcore.MethodRef{{Ref: did + frag}}}
}

func TestNotSyncedIsStale(t *testing.T) {
	f := newFixture(t)
	if _, err := f.cache.Accredited(context.Background(), "did:x:y", "v", f.now); !errors.Is(err, ledger.ErrStale) {
		t.Fatalf("before any block: %v", err)
	}
	f.apply()
	if err := f.cache.Fresh(); err != nil {
		t.Fatal(err)
	}
}

// TestKeyRotation: a credential signed before a rotation is checked against
// the key valid at its issuance; the new key is refused for old times.
func TestKeyRotation(t *testing.T) {
	f := newFixture(t)
	k1, _ := keys.Generate(keys.Ed25519)
	k2, _ := keys.Generate(keys.Ed25519)
	did := didcore.AmanahDID("testnet", k1.Public())
	t0, t1 := f.now.Add(-2*time.Hour), f.now.Add(-time.Hour)
	f.chain.PutDID(doc(t, did, k1.Public(), "#k1"), t0)
	f.apply()
	ctx := context.Background()
	if k, err := f.cache.IssuerKey(ctx, did, did+"#k1", f.now); err != nil || !k.Equal(k1.Public()) {
		t.Fatalf("k1 now: %v", err)
	}
	f.chain.PutDID(doc(t, did, k2.Public(), "#k2"), t1)
	f.apply() // the DID event drops the cached versions
	if _, err := f.cache.IssuerKey(ctx, did, did+"#k1", f.now); !errors.Is(err, sdjwtvc.ErrUnknownKey) {
		t.Fatalf("k1 after rotation: %v", err)
	}
	if k, err := f.cache.IssuerKey(ctx, did, did+"#k1", t0.Add(time.Minute)); err != nil || !k.Equal(k1.Public()) {
		t.Fatalf("k1 at old time: %v", err)
	}
	if _, err := f.cache.IssuerKey(ctx, did, did+"#k2", t0.Add(time.Minute)); !errors.Is(err, sdjwtvc.ErrUnknownKey) {
		t.Fatalf("k2 before it existed: %v", err)
	}
	if _, err := f.cache.IssuerKey(ctx, did, did+"#k2", f.now); err != nil {
		t.Fatalf("k2 now: %v", err)
	}
	if _, err := f.cache.IssuerKey(ctx, did, did+"#k1", t0.Add(-time.Minute)); !errors.Is(err, sdjwtvc.ErrUnknownKey) {
		t.Fatalf("before the DID existed: %v", err)
	}
	f.chain.Deactivate(did, f.now.Add(-time.Minute))
	f.apply()
	if _, err := f.cache.IssuerKey(ctx, did, did+"#k2", f.now); !errors.Is(err, sdjwtvc.ErrUnknownKey) {
		t.Fatalf("after deactivation: %v", err)
	}
	if _, err := f.cache.IssuerKey(ctx, did, did+"#k1", t0.Add(time.Minute)); !errors.Is(err, sdjwtvc.ErrUnknownKey) {
		t.Fatalf("backdated after deactivation: %v", err)
	}
}

// TestRevocationWithinOneBlock: the block that carries a status change
// drops the cached page, so the next answer reads the new value.
func TestRevocationWithinOneBlock(t *testing.T) {
	f := newFixture(t)
	if err := f.chain.CreateList("u", "1", 1, 131072); err != nil {
		t.Fatal(err)
	}
	f.apply()
	ctx := context.Background()
	v, _, err := f.cache.Status(ctx, "u", 70000)
	if err != nil || v != 0 {
		t.Fatalf("status %d %v", v, err)
	}
	q := f.node.Queries()
	if _, _, err := f.cache.Status(ctx, "u", 70001); err != nil || f.node.Queries() != q {
		t.Fatalf("same page not served from cache: %v, queries %d -> %d", err, q, f.node.Queries())
	}
	if err := f.chain.SetStatus("u", 70000, 1); err != nil {
		t.Fatal(err)
	}
	// Before the block reaches the verifier the cached page stands...
	if v, _, _ := f.cache.Status(ctx, "u", 70000); v != 0 {
		t.Fatalf("changed before its block: %d", v)
	}
	b := f.apply()
	v, h, err := f.cache.Status(ctx, "u", 70000)
	if err != nil || v != 1 || h != b.Height {
		t.Fatalf("after the block: %d at %d, %v", v, h, err)
	}
}

// TestGapDropsCache: a missed block's changes are unknown, so everything goes.
func TestGapDropsCache(t *testing.T) {
	f := newFixture(t)
	if err := f.chain.CreateList("u", "1", 1, 131072); err != nil {
		t.Fatal(err)
	}
	f.apply()
	ctx := context.Background()
	if _, _, err := f.cache.Status(ctx, "u", 5); err != nil {
		t.Fatal(err)
	}
	if err := f.chain.SetStatus("u", 5, 1); err != nil {
		t.Fatal(err)
	}
	f.chain.Commit() // never delivered
	f.apply()
	if v, _, err := f.cache.Status(ctx, "u", 5); err != nil || v != 1 {
		t.Fatalf("after a gap: %d %v", v, err)
	}
}

// TestLaggingAnswerRefused: an answer read at a height before the last
// change of its kind is not trusted (nor cached).
func TestLaggingAnswerRefused(t *testing.T) {
	chain := ledgertest.NewChain(nil)
	fresh, lag := chain.NewNode("fresh"), chain.NewNode("lag")
	c, err := ledger.NewCache(ledger.Config{Freshness: time.Minute}, fresh.Endpoint(), lag.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	if err := chain.CreateList("u", "1", 1, 131072); err != nil {
		t.Fatal(err)
	}
	chain.Commit()
	chain.SetStatus("u", 1, 1)
	b := chain.Commit()
	c.Apply("fresh", b)
	c.Apply("lag", ledger.Block{Height: b.Height - 1})
	lag.SetLag(1)
	fresh.SetDown(true)
	if _, _, err := c.Status(context.Background(), "u", 1); !errors.Is(err, ledger.ErrUnavailable) {
		t.Fatalf("lagging answer accepted: %v", err)
	}
	if lag.Queries() == 0 {
		t.Fatal("lagging node not tried")
	}
}

func TestFreshnessBound(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	chain := ledgertest.NewChain(nil)
	n := chain.NewNode("n")
	c, _ := ledger.NewCache(ledger.Config{Freshness: 10 * time.Second, Now: clock}, n.Endpoint())
	c.Apply("n", chain.Commit())
	if err := c.Fresh(); err != nil {
		t.Fatal(err)
	}
	now = now.Add(11 * time.Second)
	if err := c.Fresh(); !errors.Is(err, ledger.ErrStale) {
		t.Fatalf("past the bound: %v", err)
	}
	if _, err := c.RelyingParty(context.Background(), "did:x:y"); !errors.Is(err, ledger.ErrStale) {
		t.Fatalf("query past the bound: %v", err)
	}
}

func TestBoundedDIDs(t *testing.T) {
	chain := ledgertest.NewChain(nil)
	n := chain.NewNode("n")
	c, _ := ledger.NewCache(ledger.Config{Freshness: time.Minute, MaxDIDs: 3}, n.Endpoint())
	var dids []string
	for range 10 {
		k, _ := keys.Generate(keys.Ed25519)
		did := didcore.AmanahDID("testnet", k.Public())
		chain.PutDID(doc(t, did, k.Public(), "#k"), time.Now().Add(-time.Hour))
		dids = append(dids, did)
	}
	c.Apply("n", chain.Commit())
	for _, d := range dids {
		if _, err := c.IssuerKey(context.Background(), d, d+"#k", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	q := n.Queries()
	hits := 0
	for _, d := range dids {
		_, _ = c.IssuerKey(context.Background(), d, d+"#k", time.Now())
		if n.Queries() == q {
			hits++
		}
		q = n.Queries()
	}
	if hits > 3 {
		t.Fatalf("%d cache hits with MaxDIDs 3", hits)
	}
}
