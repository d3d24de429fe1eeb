package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/ledgertest"
)

type fixture struct {
	t     *testing.T
	clock time.Time
	chain *ledgertest.Chain
	node  *ledgertest.Node
	cache *ledger.Cache
	now   time.Time
}

// newFixture is a cache over an in-memory chain whose blocks are stamped by
// the fixture's clock (advance it with tick), and whose local clock is the same.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: time.Now().Truncate(time.Second)}
	f.now = f.clock
	f.chain = ledgertest.NewChain(func() time.Time { return f.clock })
	f.node = f.chain.NewNode("n0")
	c, err := ledger.NewCache(ledger.Config{Freshness: time.Minute, Now: func() time.Time { return f.clock }}, f.node)
	if err != nil {
		t.Fatal(err)
	}
	f.cache = c
	return f
}

// tick advances the clock.
func (f *fixture) tick(d time.Duration) { f.clock = f.clock.Add(d) }

// apply commits the chain's next block and steps the cache to it.
func (f *fixture) apply() ledger.Journal {
	f.t.Helper()
	j := f.chain.Commit()
	if err := f.cache.Step(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	return j
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

// TestFreshnessIsBlockTime: freshness is the block time of the state, not when
// the cache last heard from a node: a node serving old blocks keeps the view
// stale however often it answers.
func TestFreshnessIsBlockTime(t *testing.T) {
	f := newFixture(t)
	f.apply()
	f.tick(time.Minute + ledger.DefaultClockSkew + time.Second) // the chain stalls
	if err := f.cache.Fresh(); !errors.Is(err, ledger.ErrStale) {
		t.Fatalf("a minute past the last block: %v", err)
	}
	if err := f.cache.Step(context.Background()); err != nil { // asked again: same old head
		t.Fatal(err)
	}
	if err := f.cache.Fresh(); !errors.Is(err, ledger.ErrStale) {
		t.Fatalf("an answering node with an old head: %v", err)
	}
	f.apply() // a new block at the current time
	if err := f.cache.Fresh(); err != nil {
		t.Fatal(err)
	}
}

// countObserver counts cache hits and misses by kind.
type countObserver struct {
	mu           sync.Mutex
	hits, misses map[ledger.Kind]int
}

func (o *countObserver) CacheLookup(k ledger.Kind, hit bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.hits == nil {
		o.hits, o.misses = map[ledger.Kind]int{}, map[ledger.Kind]int{}
	}
	if hit {
		o.hits[k]++
	} else {
		o.misses[k]++
	}
}

func (o *countObserver) get(k ledger.Kind) (hits, misses int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.hits[k], o.misses[k]
}

// reads runs fn and returns how many reads the fixture's node answered for it.
func (f *fixture) reads(fn func()) int64 {
	q := f.node.Queries()
	fn()
	return f.node.Queries() - q
}

// TestCacheDIDScope: DID histories (and absences) are cached, and a block
// drops exactly the DIDs it changed.
func TestCacheDIDScope(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	ka, kb, ka2 := newKey(t), newKey(t), newKey(t)
	a, b, c := didcore.AmanahDID("testnet", ka), didcore.AmanahDID("testnet", kb), newDID(t)
	from := f.clock.Add(-time.Hour)
	f.chain.PutDID(doc(t, a, ka, "#key-1"), from)
	f.chain.PutDID(doc(t, b, kb, "#key-1"), from)
	f.apply()
	key := func(did, frag string) error {
		_, err := f.cache.IssuerKey(ctx, did, did+frag, f.clock)
		return err
	}
	for _, d := range []string{a, b} {
		if n := f.reads(func() {
			if err := key(d, "#key-1"); err != nil {
				t.Fatal(err)
			}
		}); n != 1 {
			t.Fatalf("first read of %s: %d reads", d, n)
		}
	}
	if n := f.reads(func() {
		if err := key(c, "#key-1"); !errors.Is(err, sdjwtvc.ErrUnknownKey) {
			t.Fatalf("unknown DID: %v", err)
		}
	}); n != 1 {
		t.Fatalf("first read of an unknown DID: %d reads", n)
	}
	repeat := func(what string) {
		t.Helper()
		if n := f.reads(func() {
			_ = key(a, "#key-1")
			_ = key(b, "#key-1")
			_, _ = f.cache.AssertionKeys(ctx, a, f.clock)
			_ = key(c, "#key-1")
		}); n != 0 {
			t.Fatalf("%s: %d reads for cached DIDs", what, n)
		}
	}
	repeat("repeat")
	f.tick(time.Second)
	f.apply() // an empty block
	repeat("after an empty block")

	// a's next version: a dropped, b and the absence of c kept.
	f.tick(time.Second)
	f.chain.PutDID(doc(t, a, ka2, "#key-2"), f.clock, ledger.RetiredKey{ID: a + "#key-1", At: f.clock})
	f.apply()
	if n := f.reads(func() {
		_ = key(b, "#key-1")
		_ = key(c, "#key-1")
	}); n != 0 {
		t.Fatalf("a change of %s dropped other DIDs: %d reads", a, n)
	}
	if n := f.reads(func() {
		if err := key(a, "#key-2"); err != nil {
			t.Fatalf("new key of a: %v", err)
		}
		if err := key(a, "#key-1"); !errors.Is(err, sdjwtvc.ErrUnknownKey) {
			t.Fatalf("old key of a, now: %v", err)
		}
	}); n != 1 {
		t.Fatalf("changed DID: %d reads, want 1", n)
	}

	// c created: its cached absence dropped.
	kc := newKey(t)
	c = didcore.AmanahDID("testnet", kc)
	_ = key(c, "#key-1") // cache its absence
	f.tick(time.Second)
	f.chain.PutDID(doc(t, c, kc, "#key-1"), f.clock)
	f.apply()
	if err := key(c, "#key-1"); err != nil {
		t.Fatalf("created DID: %v", err)
	}
}

// TestCacheHolderScope: accreditations are cached per holder, and a block
// drops exactly the holders whose accreditations it changed.
func TestCacheHolderScope(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	i1, i2 := newDID(t), newDID(t)
	w := ledgertest.Window{From: f.clock.Add(-time.Hour)}
	for _, d := range []string{i1, i2} {
		f.chain.PutDID(docOf(d, vm{"#key-1", newKey(t), true, false}), f.clock.Add(-2*time.Hour))
		f.chain.Accredit(d, accVCT, w)
	}
	f.apply()
	acc := func(d string) bool {
		t.Helper()
		ok, err := f.cache.Accredited(ctx, d, accVCT, f.clock)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if n := f.reads(func() {
		if !acc(i1) || !acc(i2) {
			t.Fatal("not accredited")
		}
	}); n != 4 {
		t.Fatalf("%d reads, want 4 (a DID and a holder each)", n)
	}
	if n := f.reads(func() { acc(i1); acc(i2) }); n != 0 {
		t.Fatalf("repeat: %d reads", n)
	}
	f.tick(time.Second)
	id := f.chain.Accredit(i2, "https://amanah.example/vct/other", w) // a change of i2's accreditations
	f.apply()
	if n := f.reads(func() { acc(i1) }); n != 0 {
		t.Fatalf("a change of %s dropped %s: %d reads", i2, i1, n)
	}
	if n := f.reads(func() { acc(i2) }); n != 1 {
		t.Fatalf("changed holder: %d reads, want 1", n)
	}
	f.tick(time.Second)
	if err := f.chain.SetAccreditationStatus(id, ledger.AccreditationRevoked, f.clock); err != nil {
		t.Fatal(err)
	}
	f.chain.RevokeAccreditations(i2, accVCT, f.clock)
	f.apply()
	if acc(i2) || !acc(i1) {
		t.Fatal("revocation of i2 not seen, or seen for i1")
	}
}

// TestCacheRelyingPartyScope: registrations (and absences) are cached and
// dropped by a block that changes that relying party only.
func TestCacheRelyingPartyScope(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r1, r2 := newDID(t), newDID(t)
	f.chain.PutRelyingParty(ledger.RelyingParty{DID: r1, Name: "one", AllowedClaims: map[string][]string{accVCT: {"name"}}})
	f.apply()
	get := func(d string) (*ledger.RelyingParty, error) { return f.cache.RelyingParty(ctx, d) }
	if rp, err := get(r1); err != nil || rp.Name != "one" || !rp.Allows(accVCT, "name") || rp.Allows(accVCT, "age") {
		t.Fatalf("r1: %+v %v", rp, err)
	}
	if _, err := get(r2); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("r2: %v", err)
	}
	if n := f.reads(func() { _, _ = get(r1); _, _ = get(r2) }); n != 0 {
		t.Fatalf("repeat: %d reads", n)
	}
	f.tick(time.Second)
	f.chain.PutRelyingParty(ledger.RelyingParty{DID: r2, Name: "two"})
	f.apply()
	if n := f.reads(func() { _, _ = get(r1) }); n != 0 {
		t.Fatalf("a change of r2 dropped r1: %d reads", n)
	}
	if rp, err := get(r2); err != nil || rp.Name != "two" {
		t.Fatalf("r2 registered: %+v %v", rp, err)
	}
}

// TestNodeErrorIsUnavailable: a node that cannot answer (down, or behind the
// state height) makes every answer ErrUnavailable, never a negative answer,
// and nothing read from it is cached.
func TestNodeErrorIsUnavailable(t *testing.T) {
	for _, mode := range []string{"down", "lagging"} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			k := newKey(t)
			iss, body, missing, rp := didcore.AmanahDID("testnet", k), newDID(t), newDID(t), newDID(t)
			f.chain.PutDID(doc(t, iss, k, "#key-1"), f.clock.Add(-time.Hour))
			f.chain.PutDID(docOf(body, vm{"#key-1", newKey(t), true, false}), f.clock.Add(-time.Hour))
			f.chain.Grant(ledger.Accreditation{Accredited: body, Role: ledger.RoleAccreditationBody, VCTs: []string{accVCT}, ValidFrom: f.clock.Add(-time.Hour)})
			f.chain.Grant(ledger.Accreditation{Accreditor: body, Accredited: iss, Role: ledger.RoleIssuer, VCTs: []string{accVCT}, ValidFrom: f.clock.Add(-time.Hour)})
			f.chain.PutRelyingParty(ledger.RelyingParty{DID: rp, Name: "rp"})
			f.chain.PutCredentialType(accVCT, `{"type":"object"}`)
			if err := f.chain.CreateList(1, iss, 1, 65536); err != nil {
				t.Fatal(err)
			}
			if err := f.chain.SetStatus(https(1), 40000, 1); err != nil {
				t.Fatal(err)
			}
			f.apply()
			now := f.clock
			// Cached before the failure: the issuer's DID, list 1's parameters and
			// its page 0 (not page 1, which holds index 40000).
			if v, _, err := f.cache.Status(ctx, https(1), 32767, iss); v != 0 || err != nil {
				t.Fatal(v, err)
			}
			if _, err := f.cache.IssuerKey(ctx, iss, iss+"#key-1", now); err != nil {
				t.Fatal(err)
			}
			ops := []struct {
				name string
				fail func() error // with the node failing
				ok   func() error // afterwards: the right answer
			}{
				{"issuer key of an unknown DID", func() error {
					_, err := f.cache.IssuerKey(ctx, missing, missing+"#key-1", now)
					return err
				}, func() error {
					if _, err := f.cache.IssuerKey(ctx, missing, missing+"#key-1", now); !errors.Is(err, sdjwtvc.ErrUnknownKey) {
						return fmt.Errorf("want unknown key: %v", err)
					}
					return nil
				}},
				{"accredited (issuer DID cached, holders not)", func() error {
					_, err := f.cache.Accredited(ctx, iss, accVCT, now)
					return err
				}, func() error {
					if ok, err := f.cache.Accredited(ctx, iss, accVCT, now); !ok || err != nil {
						return fmt.Errorf("want accredited: %v %v", ok, err)
					}
					return nil
				}},
				{"relying party", func() error {
					_, err := f.cache.RelyingParty(ctx, rp)
					return err
				}, func() error {
					if r, err := f.cache.RelyingParty(ctx, rp); err != nil || r.Name != "rp" {
						return fmt.Errorf("want rp: %+v %v", r, err)
					}
					return nil
				}},
				{"absent relying party", func() error {
					_, err := f.cache.RelyingParty(ctx, missing)
					return err
				}, func() error {
					if _, err := f.cache.RelyingParty(ctx, missing); !errors.Is(err, ledger.ErrNotFound) {
						return fmt.Errorf("want not found: %v", err)
					}
					return nil
				}},
				{"credential schema", func() error {
					_, err := f.cache.CredentialSchema(ctx, accVCT)
					return err
				}, func() error {
					if s, err := f.cache.CredentialSchema(ctx, accVCT); err != nil || s.JSON != `{"type":"object"}` {
						return fmt.Errorf("want schema: %+v %v", s, err)
					}
					return nil
				}},
				{"status page not cached", func() error {
					_, _, err := f.cache.Status(ctx, https(1), 40000, iss)
					return err
				}, func() error {
					if v, _, err := f.cache.Status(ctx, https(1), 40000, iss); v != 1 || err != nil {
						return fmt.Errorf("want 1: %d %v", v, err)
					}
					return nil
				}},
				{"status list not cached", func() error {
					_, _, err := f.cache.Status(ctx, https(2), 0, iss)
					return err
				}, func() error {
					if _, _, err := f.cache.Status(ctx, https(2), 0, iss); !errors.Is(err, ledger.ErrNotFound) {
						return fmt.Errorf("want not found: %v", err)
					}
					return nil
				}},
			}
			switch mode {
			case "down":
				f.node.SetDown(true)
			case "lagging": // the node's state is behind the height the cache reads at
				f.node.SetLag(1)
			}
			for _, op := range ops {
				err := op.fail()
				if !errors.Is(err, ledger.ErrUnavailable) {
					t.Errorf("%s: %v, want unavailable", op.name, err)
				}
				for _, neg := range []error{ledger.ErrNotFound, ledger.ErrWrongOwner, ledger.ErrOutOfRange,
					sdjwtvc.ErrUnknownKey, sdjwtvc.ErrNotAssertionMethod, sdjwtvc.ErrKeyWithdrawn} {
					if errors.Is(err, neg) {
						t.Errorf("%s: a node error answered as %v", op.name, neg)
					}
				}
			}
			// A cached answer needs no node.
			if _, err := f.cache.IssuerKey(ctx, iss, iss+"#key-1", now); err != nil {
				t.Fatalf("cached key with the node failing: %v", err)
			}
			f.node.SetDown(false)
			f.node.SetLag(0)
			for _, op := range ops {
				if err := op.ok(); err != nil {
					t.Errorf("%s, node back: %v", op.name, err)
				}
			}
		})
	}
}

// TestCatchUp: up to MaxCatchUp blocks behind, the cache replays their
// journals and keeps what they did not change; further behind it starts over
// empty at the new head.
func TestCatchUp(t *testing.T) {
	ctx := context.Background()
	f := newFixtureWith(t, ledger.Config{MaxCatchUp: 3})
	k := newKey(t)
	a := didcore.AmanahDID("testnet", k)
	f.chain.PutDID(doc(t, a, k, "#key-1"), f.clock.Add(-time.Hour))
	f.apply()
	key := func() {
		t.Helper()
		if _, err := f.cache.IssuerKey(ctx, a, a+"#key-1", f.clock); err != nil {
			t.Fatal(err)
		}
	}
	key()
	commit := func(n int) {
		for range n {
			f.tick(time.Second)
			f.chain.Commit()
		}
	}
	commit(3)
	if n := f.reads(func() {
		if err := f.cache.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}); n != 3 {
		t.Fatalf("3 blocks behind: %d journal reads, want 3", n)
	}
	if s := f.cache.Sync(); s.Height != f.chain.Height() || !s.BlockTime.Equal(f.clock) {
		t.Fatalf("sync %+v, chain at %d", s, f.chain.Height())
	}
	if n := f.reads(key); n != 0 {
		t.Fatalf("after replaying 3 empty blocks: %d reads", n)
	}
	commit(4)
	if n := f.reads(func() {
		if err := f.cache.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("4 blocks behind: %d journal reads, want none (start over)", n)
	}
	if s := f.cache.Sync(); s.Height != f.chain.Height() || !s.BlockTime.Equal(f.clock) || !s.Synced {
		t.Fatalf("sync %+v, chain at %d", s, f.chain.Height())
	}
	if n := f.reads(key); n != 1 {
		t.Fatalf("after starting over: %d reads, want 1", n)
	}
}

// TestStepBehindHead: a head behind the applied state is an error and changes
// nothing.
func TestStepBehindHead(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	k := newKey(t)
	a := didcore.AmanahDID("testnet", k)
	f.chain.PutDID(doc(t, a, k, "#key-1"), f.clock.Add(-time.Hour))
	f.apply()
	for range 2 {
		f.tick(time.Second)
		f.apply()
	}
	if _, err := f.cache.IssuerKey(ctx, a, a+"#key-1", f.clock); err != nil {
		t.Fatal(err)
	}
	before := f.cache.Sync()
	f.node.SetLag(2)
	f.tick(time.Second)
	if err := f.cache.Step(ctx); err == nil {
		t.Fatal("a head 2 blocks behind the applied state accepted")
	}
	if s := f.cache.Sync(); s != before {
		t.Fatalf("sync changed: %+v, was %+v", s, before)
	}
	if n := f.reads(func() {
		if _, err := f.cache.IssuerKey(ctx, a, a+"#key-1", f.clock); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("cache dropped: %d reads", n)
	}
	f.node.SetLag(0)
	if err := f.cache.Step(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestBoundedDIDs: no more than MaxDIDs DIDs are cached.
func TestBoundedDIDs(t *testing.T) {
	ctx := context.Background()
	const max, n = 4, 10
	obs := &countObserver{}
	f := newFixtureWith(t, ledger.Config{MaxDIDs: max, Observer: obs})
	dids := make([]string, n)
	for i := range dids {
		k := newKey(t)
		dids[i] = didcore.AmanahDID("testnet", k)
		f.chain.PutDID(doc(t, dids[i], k, "#key-1"), f.clock.Add(-time.Hour))
	}
	f.apply()
	key := func(d string) {
		t.Helper()
		if _, err := f.cache.IssuerKey(ctx, d, d+"#key-1", f.clock); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range dids {
		key(d)
	}
	if h, m := obs.get(ledger.KindDID); h != 0 || m != n {
		t.Fatalf("first pass: %d hits %d misses", h, m)
	}
	key(dids[n-1]) // the last one read is cached
	if h, _ := obs.get(ledger.KindDID); h != 1 {
		t.Fatalf("the last DID read is not cached (%d hits)", h)
	}
	for _, d := range dids {
		key(d)
	}
	if h, _ := obs.get(ledger.KindDID); h-1 > max {
		t.Fatalf("%d of %d DIDs answered from the cache, bound %d", h-1, n, max)
	}
}

// TestFreshnessBound: fresh up to Freshness + ClockSkew after the head's block
// time, stale past it, and every answer fails closed then.
func TestFreshnessBound(t *testing.T) {
	ctx := context.Background()
	f := newFixtureWith(t, ledger.Config{Freshness: 10 * time.Second, ClockSkew: time.Second})
	k := newKey(t)
	a := didcore.AmanahDID("testnet", k)
	f.chain.PutDID(doc(t, a, k, "#key-1"), f.clock.Add(-time.Hour))
	f.chain.Accredit(a, accVCT, ledgertest.Window{From: f.clock.Add(-time.Hour)})
	f.chain.PutRelyingParty(ledger.RelyingParty{DID: a})
	f.chain.PutCredentialType(accVCT, `{}`)
	if err := f.chain.CreateList(1, a, 1, 32768); err != nil {
		t.Fatal(err)
	}
	f.apply()
	at := f.clock
	ops := map[string]func() error{
		"IssuerKey":        func() error { _, err := f.cache.IssuerKey(ctx, a, a+"#key-1", at); return err },
		"AssertionKeys":    func() error { _, err := f.cache.AssertionKeys(ctx, a, at); return err },
		"Accredited":       func() error { _, err := f.cache.Accredited(ctx, a, accVCT, at); return err },
		"Status":           func() error { _, _, err := f.cache.Status(ctx, https(1), 0, a); return err },
		"RelyingParty":     func() error { _, err := f.cache.RelyingParty(ctx, a); return err },
		"CredentialSchema": func() error { _, err := f.cache.CredentialSchema(ctx, accVCT); return err },
	}
	f.tick(11 * time.Second)
	if err := f.cache.Fresh(); err != nil {
		t.Fatalf("at the bound: %v", err)
	}
	for name, op := range ops {
		if err := op(); err != nil {
			t.Errorf("%s at the bound: %v", name, err)
		}
	}
	f.tick(time.Nanosecond)
	if err := f.cache.Fresh(); !errors.Is(err, ledger.ErrStale) {
		t.Fatalf("past the bound: %v", err)
	}
	for name, op := range ops { // cached, but stale
		if err := op(); !errors.Is(err, ledger.ErrStale) {
			t.Errorf("%s past the bound: %v", name, err)
		}
	}
}

// TestFailoverSource: a cache over several nodes answers while one answers.
func TestFailoverSource(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	n1 := f.chain.NewNode("n1")
	c, err := ledger.NewCache(ledger.Config{Freshness: time.Minute, Now: func() time.Time { return f.clock }}, ledgertest.Failover{f.node, n1})
	if err != nil {
		t.Fatal(err)
	}
	k := newKey(t)
	a := didcore.AmanahDID("testnet", k)
	f.chain.PutDID(doc(t, a, k, "#key-1"), f.clock.Add(-time.Hour))
	f.chain.Commit()
	f.node.SetDown(true)
	if err := c.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.IssuerKey(ctx, a, a+"#key-1", f.clock); err != nil {
		t.Fatal(err)
	}
	n1.SetDown(true)
	if _, err := c.AssertionKeys(ctx, newDID(t), f.clock); !errors.Is(err, ledger.ErrUnavailable) {
		t.Fatalf("every node down: %v", err)
	}
}
