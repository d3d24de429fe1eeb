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
	statustypes "github.com/amanah-id/amanah/x/status/types"
)

// The verification rules (rules.go), each evaluated by the Cache over
// histories an in-memory chain serves.

// vm is one verification method of a test document: in assertionMethod
// (assert) and/or authentication (auth).
type vm struct {
	frag         string
	key          keys.PublicKey
	assert, auth bool
}

// docOf returns a document of did with methods ms.
func docOf(did string, ms ...vm) *didcore.Document {
	d := &didcore.Document{Context: []string{didcore.ContextV1}, ID: did}
	for _, m := range ms {
		d.VerificationMethods = append(d.VerificationMethods, didcore.VerificationMethod{
			ID: did + m.frag, Type: didcore.TypeMultikey, Controller: did, PublicKeyMultibase: m.key.Multikey()})
		if m.assert {
			d.AssertionMethod = append(d.AssertionMethod, didcore.MethodRef{Ref: did + m.frag})
		}
		if m.auth {
			d.Authentication = append(d.Authentication, didcore.MethodRef{Ref: did + m.frag})
		}
	}
	return d
}

func newKey(t *testing.T) keys.PublicKey {
	t.Helper()
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	return k.Public()
}

// newDID returns a fresh did:amanah DID (not written to any chain).
func newDID(t *testing.T) string {
	t.Helper()
	return didcore.AmanahDID("testnet", newKey(t))
}

// newFixtureWith is newFixture with the cache built from cfg (Now is the
// fixture's clock; a zero Freshness is a minute).
func newFixtureWith(t *testing.T, cfg ledger.Config) *fixture {
	t.Helper()
	f := newFixture(t)
	cfg.Now = func() time.Time { return f.clock }
	if cfg.Freshness == 0 {
		cfg.Freshness = time.Minute
	}
	c, err := ledger.NewCache(cfg, f.node)
	if err != nil {
		t.Fatal(err)
	}
	f.cache = c
	return f
}

var keyErrors = []error{sdjwtvc.ErrUnknownKey, sdjwtvc.ErrNotAssertionMethod, sdjwtvc.ErrKeyWithdrawn}

// TestKeyRule: IssuerKey over a DID's history (keyRule).
func TestKeyRule(t *testing.T) {
	const h = time.Hour
	type env struct {
		c      *ledgertest.Chain
		did    string
		k1, k2 keys.PublicKey
		t0     time.Time // the DID's creation
	}
	key1 := func(e env) vm { return vm{"#key-1", e.k1, true, false} }
	key2 := func(e env) vm { return vm{"#key-2", e.k2, true, false} }
	put := func(e env, at time.Duration, retired []ledger.RetiredKey, ms ...vm) {
		e.c.PutDID(docOf(e.did, ms...), e.t0.Add(at), retired...)
	}
	v1 := func(e env) { put(e, 0, nil, key1(e)) }
	// retire records frag (a DID URL of the DID) as retired in good standing at t0+at.
	retire := func(e env, frag string, at time.Duration) []ledger.RetiredKey {
		return []ledger.RetiredKey{{ID: e.did + frag, At: e.t0.Add(at)}}
	}
	cases := []struct {
		name  string
		build func(e env)
		kid   func(e env) string // default e.did + "#key-1"
		iat   time.Duration      // after t0
		want  error              // nil: the key wantKey returns
		// wantKey is the expected key (default k1).
		wantKey func(e env) keys.PublicKey
		bug     string
	}{
		{name: "valid at iat, never withdrawn", build: v1, iat: 5 * h},
		{name: "valid at the creation instant", build: v1, iat: 0},
		{name: "later versions keep it", build: func(e env) {
			v1(e)
			put(e, 10*h, nil, key1(e), key2(e))
			put(e, 20*h, nil, vm{"#key-1", e.k1, true, true})
		}, iat: 5 * h},
		{name: "relative kid", build: v1, kid: func(env) string { return "#key-1" }, iat: 5 * h},
		{name: "iat before the DID existed", build: v1, iat: -time.Nanosecond, want: sdjwtvc.ErrUnknownKey},
		{name: "no such DID", build: func(env) {}, iat: 5 * h, want: sdjwtvc.ErrUnknownKey},
		{name: "kid not present", build: v1, kid: func(e env) string { return e.did + "#key-9" }, iat: 5 * h,
			want: sdjwtvc.ErrUnknownKey},
		{name: "kid of another DID", build: v1, kid: func(e env) string { return didcore.AmanahDID("testnet", e.k2) + "#key-1" },
			iat: 5 * h, want: sdjwtvc.ErrUnknownKey},
		{name: "kid present, not assertionMethod", build: func(e env) {
			put(e, 0, nil, key1(e), vm{"#key-2", e.k2, false, true})
		}, kid: func(e env) string { return e.did + "#key-2" }, iat: 5 * h, want: sdjwtvc.ErrNotAssertionMethod},
		{name: "key added by a later version, iat before it", build: func(e env) {
			v1(e)
			put(e, 10*h, nil, key1(e), key2(e))
		}, kid: func(e env) string { return e.did + "#key-2" }, iat: 5 * h, want: sdjwtvc.ErrUnknownKey},
		{name: "key added by a later version, iat in it", build: func(e env) {
			v1(e)
			put(e, 10*h, nil, key1(e), key2(e))
		}, kid: func(e env) string { return e.did + "#key-2" }, iat: 15 * h, wantKey: func(e env) keys.PublicKey { return e.k2 }},
		{name: "removed after iat, not retired", build: func(e env) {
			v1(e)
			put(e, 10*h, nil, key2(e))
		}, iat: 5 * h, want: sdjwtvc.ErrKeyWithdrawn},
		{name: "removed after iat, retired after iat", build: func(e env) {
			v1(e)
			put(e, 10*h, retire(e, "#key-1", 8*h), key2(e))
		}, iat: 5 * h},
		{name: "removed after iat, retired after iat (relative id)", build: func(e env) {
			v1(e)
			put(e, 10*h, []ledger.RetiredKey{{ID: "#key-1", At: e.t0.Add(8 * h)}}, key2(e))
		}, iat: 5 * h},
		{name: "retired exactly at iat", build: func(e env) {
			v1(e)
			put(e, 10*h, retire(e, "#key-1", 5*h), key2(e))
		}, iat: 5 * h, want: sdjwtvc.ErrKeyWithdrawn},
		{name: "retired before iat", build: func(e env) {
			v1(e)
			put(e, 10*h, retire(e, "#key-1", 3*h), key2(e))
		}, iat: 5 * h, want: sdjwtvc.ErrKeyWithdrawn},
		{name: "retirement of another key does not cover it", build: func(e env) {
			put(e, 0, nil, key1(e), key2(e))
			put(e, 10*h, retire(e, "#key-2", 8*h))
		}, iat: 5 * h, want: sdjwtvc.ErrKeyWithdrawn},
		{name: "retirement recorded by a later version than the withdrawal", build: func(e env) {
			v1(e)
			put(e, 10*h, nil, key2(e))
			put(e, 20*h, retire(e, "#key-1", 8*h), key2(e))
		}, iat: 5 * h, want: sdjwtvc.ErrKeyWithdrawn},
		{name: "fragment rebound to another key", build: func(e env) {
			v1(e)
			put(e, 10*h, nil, vm{"#key-1", e.k2, true, false})
		}, iat: 5 * h, want: sdjwtvc.ErrKeyWithdrawn},
		{name: "fragment rebound, old key retired after iat", build: func(e env) {
			v1(e)
			put(e, 10*h, retire(e, "#key-1", 8*h), vm{"#key-1", e.k2, true, false})
		}, iat: 5 * h},
		{name: "fragment rebound, iat in the new version", build: func(e env) {
			v1(e)
			put(e, 10*h, nil, vm{"#key-1", e.k2, true, false})
		}, iat: 15 * h, wantKey: func(e env) keys.PublicKey { return e.k2 }},
		{name: "moved from assertionMethod to authentication only", build: func(e env) {
			v1(e)
			put(e, 10*h, nil, vm{"#key-1", e.k1, false, true}, key2(e))
		}, iat: 5 * h, want: sdjwtvc.ErrKeyWithdrawn},
		{name: "DID deactivated after iat", build: func(e env) {
			v1(e)
			e.c.Deactivate(e.did, e.t0.Add(10*h))
		}, iat: 5 * h, want: sdjwtvc.ErrUnknownKey},
		{name: "iat after deactivation", build: func(e env) {
			v1(e)
			e.c.Deactivate(e.did, e.t0.Add(10*h))
		}, iat: 15 * h, want: sdjwtvc.ErrUnknownKey},
		{name: "retired in good standing, then deactivated", build: func(e env) {
			v1(e)
			put(e, 10*h, retire(e, "#key-1", 8*h), key2(e))
			e.c.Deactivate(e.did, e.t0.Add(20*h))
		}, iat: 5 * h, want: sdjwtvc.ErrUnknownKey},
		// A key dropped without retirement (compromised) and re-added later:
		// the rule looks at the version current at iat and the versions after
		// it only, so a credential issued under the re-adding version is good
		// and one issued before the compromise is not.
		{name: "re-added after compromise, iat in the re-adding version", build: func(e env) {
			v1(e)
			put(e, 10*h, nil, key2(e))
			put(e, 20*h, nil, key1(e), key2(e))
		}, iat: 25 * h},
		{name: "re-added after compromise, iat before the compromise", build: func(e env) {
			v1(e)
			put(e, 10*h, nil, key2(e))
			put(e, 20*h, nil, key1(e), key2(e))
		}, iat: 5 * h, want: sdjwtvc.ErrKeyWithdrawn},
		{name: "re-added after compromise, iat while absent", build: func(e env) {
			v1(e)
			put(e, 10*h, nil, key2(e))
			put(e, 20*h, nil, key1(e), key2(e))
		}, iat: 15 * h, want: sdjwtvc.ErrUnknownKey},
		{name: "retired, re-added, retired again after iat", build: func(e env) {
			v1(e)
			put(e, 10*h, retire(e, "#key-1", 8*h), key2(e))
			put(e, 20*h, nil, key1(e), key2(e))
			put(e, 30*h, retire(e, "#key-1", 28*h), key2(e))
		}, iat: 5 * h},
		// Version 4 withdraws the key (drops it from assertionMethod) without
		// recording a retirement: by the rule as written that refuses every
		// credential of the key issued before it, whatever version 2 did.
		{name: "retired, re-added, then dropped without retirement", build: func(e env) {
			v1(e)
			put(e, 10*h, retire(e, "#key-1", 8*h), key2(e))
			put(e, 20*h, nil, key1(e), key2(e))
			put(e, 30*h, nil, key2(e))
		}, iat: 5 * h, want: sdjwtvc.ErrKeyWithdrawn},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bug != "" {
				t.Skip("BUG: " + tc.bug)
			}
			f := newFixture(t)
			e := env{c: f.chain, k1: newKey(t), k2: newKey(t), t0: f.clock.Add(-100 * h)}
			e.did = didcore.AmanahDID("testnet", e.k1)
			tc.build(e)
			f.apply()
			kid := e.did + "#key-1"
			if tc.kid != nil {
				kid = tc.kid(e)
			}
			got, err := f.cache.IssuerKey(context.Background(), e.did, kid, e.t0.Add(tc.iat))
			if tc.want == nil {
				want := e.k1
				if tc.wantKey != nil {
					want = tc.wantKey(e)
				}
				if err != nil || !got.Equal(want) {
					t.Fatalf("got %v, %v; want the key", got, err)
				}
				return
			}
			for _, other := range keyErrors {
				if errors.Is(err, other) != errors.Is(other, tc.want) {
					t.Fatalf("got %v; want %v", err, tc.want)
				}
			}
		})
	}
}

// accEnv is the setting of an accreditation case: an issuer and an
// accreditation body (both DIDs created long before S), another body, and S,
// the time of the grants (the fixture's clock when the case starts).
type accEnv struct {
	t                   *testing.T
	f                   *fixture
	c                   *ledgertest.Chain
	issuer, body, other string
	S                   time.Time
}

const accVCT = "https://amanah.example/vct/diploma"

// at moves the clock to S+d (the time of the next change) and returns it.
func (e *accEnv) at(d time.Duration) time.Time {
	e.f.clock = e.S.Add(d)
	return e.f.clock
}

func (e *accEnv) setStatus(id string, st ledger.AccreditationStatus, d time.Duration) {
	e.t.Helper()
	if err := e.c.SetAccreditationStatus(id, st, e.at(d)); err != nil {
		e.t.Fatal(err)
	}
}

// window is S ± 50h.
func (e *accEnv) window() ledgertest.Window {
	return ledgertest.Window{From: e.S.Add(-50 * time.Hour), Until: e.S.Add(50 * time.Hour)}
}

// council grants the issuer an issuer accreditation for accVCT.
func (e *accEnv) council() string { return e.c.Accredit(e.issuer, accVCT, e.window()) }

// grant records an accreditation of role for vcts in window().
func (e *accEnv) grant(by, to string, role ledger.Role, vcts ...string) string {
	w := e.window()
	return e.c.Grant(ledger.Accreditation{Accreditor: by, Accredited: to, Role: role, VCTs: vcts, ValidFrom: w.From, ValidUntil: w.Until})
}

// viaBody grants the body a council accreditation-body accreditation for
// accVCT and the issuer an issuer accreditation by the body.
func (e *accEnv) viaBody() (bodyAcc, issuerAcc string) {
	return e.grant("", e.body, ledger.RoleAccreditationBody, accVCT), e.grant(e.body, e.issuer, ledger.RoleIssuer, accVCT)
}

func newAccEnv(t *testing.T) *accEnv {
	f := newFixture(t)
	e := &accEnv{t: t, f: f, c: f.chain, issuer: newDID(t), body: newDID(t), other: newDID(t), S: f.clock}
	for _, d := range []string{e.issuer, e.body, e.other} {
		f.chain.PutDID(docOf(d, vm{"#key-1", newKey(t), true, false}), e.S.Add(-100*time.Hour))
	}
	return e
}

// TestAccreditedRule: Accredited over accreditation and DID histories
// (accreditedRule).
func TestAccreditedRule(t *testing.T) {
	const h = time.Hour
	type check struct {
		at   time.Duration // after S
		want bool
	}
	cases := []struct {
		name   string
		build  func(e *accEnv)
		checks []check
		bug    string
	}{
		{name: "council, in force", build: func(e *accEnv) { e.council() },
			checks: []check{{-10 * h, true}, {0, true}}},
		{name: "validity window [ValidFrom, ValidUntil)", build: func(e *accEnv) { e.council() },
			checks: []check{{-50*h - 1, false}, {-50 * h, true}, {50*h - 1, true}, {50 * h, false}}},
		{name: "suspended after iat", build: func(e *accEnv) { e.setStatus(e.council(), ledger.AccreditationSuspended, h) },
			checks: []check{{30 * time.Minute, true}, {h - 1, true}, {h, false}, {2 * h, false}}},
		{name: "iat inside a past suspension", build: func(e *accEnv) {
			id := e.council()
			e.setStatus(id, ledger.AccreditationSuspended, h)
			e.setStatus(id, ledger.AccreditationActive, 2*h)
		}, checks: []check{{30 * time.Minute, true}, {h, false}, {90 * time.Minute, false}, {2*h - 1, false}, {2 * h, true}, {3 * h, true}}},
		{name: "revoked", build: func(e *accEnv) { e.setStatus(e.council(), ledger.AccreditationRevoked, h) },
			checks: []check{{30 * time.Minute, true}, {h, false}, {3 * h, false}}},
		{name: "revoked (RevokeAccreditations)", build: func(e *accEnv) {
			e.council()
			e.c.RevokeAccreditations(e.issuer, accVCT, e.at(h))
		}, checks: []check{{30 * time.Minute, true}, {h, false}}},
		{name: "another vct", build: func(e *accEnv) { e.c.Accredit(e.issuer, accVCT+"-other", e.window()) },
			checks: []check{{0, false}}},
		{name: "one of several vcts", build: func(e *accEnv) { e.grant("", e.issuer, ledger.RoleIssuer, "a", accVCT, "b") },
			checks: []check{{0, true}}},
		{name: "issuer holds an accreditation-body accreditation only", build: func(e *accEnv) {
			e.grant("", e.issuer, ledger.RoleAccreditationBody, accVCT)
		}, checks: []check{{0, false}}},
		{name: "issuer DID unknown", build: func(e *accEnv) {
			e.issuer = newDID(e.t)
			e.council()
		}, checks: []check{{0, false}}},
		{name: "issuer DID not yet created", build: func(e *accEnv) {
			e.c.Grant(ledger.Accreditation{Accredited: e.issuer, Role: ledger.RoleIssuer, VCTs: []string{accVCT},
				ValidFrom: e.S.Add(-200 * h), ValidUntil: e.S.Add(h)})
		}, checks: []check{{-101 * h, false}, {-99 * h, true}}},
		{name: "issuer DID deactivated", build: func(e *accEnv) {
			e.council()
			e.c.Deactivate(e.issuer, e.at(h))
		}, checks: []check{{30 * time.Minute, true}, {h, false}}},
		{name: "two accreditations, one revoked", build: func(e *accEnv) {
			e.setStatus(e.council(), ledger.AccreditationRevoked, h)
			e.council()
		}, checks: []check{{0, true}, {2 * h, true}}},
		{name: "two accreditations, one in force, one by a body without accreditation", build: func(e *accEnv) {
			e.grant(e.body, e.issuer, ledger.RoleIssuer, accVCT)
			e.council()
		}, checks: []check{{0, true}}},
		{name: "via a body", build: func(e *accEnv) { e.viaBody() },
			checks: []check{{-10 * h, true}, {0, true}, {50 * h, false}}},
		{name: "via a body, body's accreditation revoked", build: func(e *accEnv) {
			b, _ := e.viaBody()
			e.setStatus(b, ledger.AccreditationRevoked, h)
		}, checks: []check{{30 * time.Minute, true}, {h, false}, {2 * h, false}}},
		{name: "via a body, body's accreditation suspended then reinstated", build: func(e *accEnv) {
			b, _ := e.viaBody()
			e.setStatus(b, ledger.AccreditationSuspended, h)
			e.setStatus(b, ledger.AccreditationActive, 2*h)
		}, checks: []check{{30 * time.Minute, true}, {90 * time.Minute, false}, {2 * h, true}}},
		{name: "via a body, issuer's accreditation suspended", build: func(e *accEnv) {
			_, i := e.viaBody()
			e.setStatus(i, ledger.AccreditationSuspended, h)
		}, checks: []check{{30 * time.Minute, true}, {h, false}}},
		{name: "via a body, body's DID deactivated", build: func(e *accEnv) {
			e.viaBody()
			e.c.Deactivate(e.body, e.at(h))
		}, checks: []check{{30 * time.Minute, true}, {h, false}}},
		{name: "via a body whose DID does not exist", build: func(e *accEnv) {
			e.body = newDID(e.t)
			e.viaBody()
		}, checks: []check{{0, false}}},
		{name: "via a body accredited for another vct", build: func(e *accEnv) {
			e.grant("", e.body, ledger.RoleAccreditationBody, accVCT+"-other")
			e.grant(e.body, e.issuer, ledger.RoleIssuer, accVCT)
		}, checks: []check{{0, false}}},
		{name: "via a body holding no accreditation", build: func(e *accEnv) {
			e.grant(e.body, e.issuer, ledger.RoleIssuer, accVCT)
		}, checks: []check{{0, false}}},
		{name: "via a body accredited by another body, not the council", build: func(e *accEnv) {
			e.grant("", e.other, ledger.RoleAccreditationBody, accVCT)
			e.grant(e.other, e.body, ledger.RoleAccreditationBody, accVCT)
			e.grant(e.body, e.issuer, ledger.RoleIssuer, accVCT)
		}, checks: []check{{0, false}}},
		{name: "via a body holding an issuer accreditation only", build: func(e *accEnv) {
			e.grant("", e.body, ledger.RoleIssuer, accVCT)
			e.grant(e.body, e.issuer, ledger.RoleIssuer, accVCT)
		}, checks: []check{{0, false}}},
		{name: "via a body whose accreditation window ended", build: func(e *accEnv) {
			e.c.Grant(ledger.Accreditation{Accredited: e.body, Role: ledger.RoleAccreditationBody, VCTs: []string{accVCT},
				ValidFrom: e.S.Add(-50 * h), ValidUntil: e.S.Add(-10 * h)})
			e.grant(e.body, e.issuer, ledger.RoleIssuer, accVCT)
		}, checks: []check{{-20 * h, true}, {-10 * h, false}, {0, false}}},
		{name: "via a body, a second body accreditation in force", build: func(e *accEnv) {
			b, _ := e.viaBody()
			e.setStatus(b, ledger.AccreditationRevoked, h)
			e.grant("", e.body, ledger.RoleAccreditationBody, accVCT)
		}, checks: []check{{2 * h, true}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bug != "" {
				t.Skip("BUG: " + tc.bug)
			}
			e := newAccEnv(t)
			tc.build(e)
			e.f.apply()
			for _, c := range tc.checks {
				got, err := e.f.cache.Accredited(context.Background(), e.issuer, accVCT, e.S.Add(c.at))
				if err != nil || got != c.want {
					t.Errorf("at S%+v: %v, %v; want %v", c.at, got, err, c.want)
				}
			}
		})
	}
}

// TestAccreditedAfterCachedAnswer: a change after a positive answer was
// cached reaches the next answer through the journal, which drops exactly
// the object changed (one read).
func TestAccreditedAfterCachedAnswer(t *testing.T) {
	const h = time.Hour
	cases := []struct {
		name   string
		change func(e *accEnv, bodyAcc, issuerAcc string)
	}{
		{"body's DID deactivated", func(e *accEnv, _, _ string) { e.c.Deactivate(e.body, e.at(h)) }},
		{"issuer's DID deactivated", func(e *accEnv, _, _ string) { e.c.Deactivate(e.issuer, e.at(h)) }},
		{"body's accreditation suspended", func(e *accEnv, b, _ string) { e.setStatus(b, ledger.AccreditationSuspended, h) }},
		{"body's accreditation revoked", func(e *accEnv, b, _ string) { e.setStatus(b, ledger.AccreditationRevoked, h) }},
		{"issuer's accreditation revoked", func(e *accEnv, _, i string) { e.setStatus(i, ledger.AccreditationRevoked, h) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e := newAccEnv(t)
			b, i := e.viaBody()
			e.f.apply()
			if ok, err := e.f.cache.Accredited(ctx, e.issuer, accVCT, e.S); !ok || err != nil {
				t.Fatalf("before: %v %v", ok, err)
			}
			q := e.f.node.Queries()
			if ok, err := e.f.cache.Accredited(ctx, e.issuer, accVCT, e.S); !ok || err != nil || e.f.node.Queries() != q {
				t.Fatalf("repeat: %v %v, %d queries", ok, err, e.f.node.Queries()-q)
			}
			tc.change(e, b, i)
			e.f.apply()
			q = e.f.node.Queries()
			if ok, err := e.f.cache.Accredited(ctx, e.issuer, accVCT, e.S.Add(h)); ok || err != nil {
				t.Fatalf("after the change: %v %v", ok, err)
			}
			if n := e.f.node.Queries() - q; n != 1 {
				t.Fatalf("%d reads after the change, want 1 (the changed object)", n)
			}
			if ok, err := e.f.cache.Accredited(ctx, e.issuer, accVCT, e.S); !ok || err != nil {
				t.Fatalf("before the change, asked after it: %v %v", ok, err)
			}
		})
	}
}

// statusEnv: lists 1 (owner, 1 bit, one page), 2 (other, 1 bit) and
// 3 (owner, 2 bits, four pages), committed.
type statusEnv struct {
	f            *fixture
	owner, other string
}

func https(id uint64) string { return statustypes.ListURL("https://node.example", id, "") }

func newStatusEnv(t *testing.T) *statusEnv {
	t.Helper()
	e := &statusEnv{f: newFixture(t), owner: newDID(t), other: newDID(t)}
	for _, l := range []struct {
		id    uint64
		owner string
		bits  uint8
		size  uint32
	}{{1, e.owner, 1, 32768}, {2, e.other, 1, 32768}, {3, e.owner, 2, 65536}} {
		if err := e.f.chain.CreateList(l.id, l.owner, l.bits, l.size); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// TestStatus: list ownership by either URI form, existence, range, and
// entry values at 1 and 2 bits.
func TestStatus(t *testing.T) {
	ctx := context.Background()
	e := newStatusEnv(t)
	set := []struct {
		idx uint32
		v   uint8
	}{{0, 1}, {1, 2}, {2, 3}, {16383, 3}, {16384, 2}, {40000, 1}}
	for _, s := range set {
		if err := e.f.chain.SetStatus(https(3), s.idx, s.v); err != nil {
			t.Fatal(err)
		}
	}
	e.f.apply()
	height := e.f.cache.Sync().Height
	did := statustypes.ListDIDURL
	cases := []struct {
		name   string
		uri    string
		idx    uint32
		issuer string
		want   uint8
		err    error
	}{
		{"https, never written", https(1), 7, e.owner, 0, nil},
		{"did url, never written", did(e.owner, 1), 7, e.owner, 0, nil},
		{"last index", https(1), 32767, e.owner, 0, nil},
		{"out of range", https(1), 32768, e.owner, 0, ledger.ErrOutOfRange},
		{"out of range, did url", did(e.owner, 1), 1 << 31, e.owner, 0, ledger.ErrOutOfRange},
		{"https, list of another owner", https(2), 7, e.owner, 0, ledger.ErrWrongOwner},
		{"did url naming another owner", did(e.other, 1), 7, e.owner, 0, ledger.ErrWrongOwner},
		{"did url naming the issuer, list of another owner", did(e.owner, 2), 7, e.owner, 0, ledger.ErrWrongOwner},
		{"did url naming its owner, another issuer", did(e.other, 2), 7, e.owner, 0, ledger.ErrWrongOwner},
		{"missing list, https", https(99), 0, e.owner, 0, ledger.ErrNotFound},
		{"missing list, did url", did(e.owner, 99), 0, e.owner, 0, ledger.ErrNotFound},
		{"2 bits: 1", https(3), 0, e.owner, 1, nil},
		{"2 bits: 2", https(3), 1, e.owner, 2, nil},
		{"2 bits: 3", https(3), 2, e.owner, 3, nil},
		{"2 bits: unset neighbour", https(3), 3, e.owner, 0, nil},
		{"2 bits: last of page 0", https(3), 16383, e.owner, 3, nil},
		{"2 bits: first of page 1", did(e.owner, 3), 16384, e.owner, 2, nil},
		{"2 bits: page 1 neighbour", https(3), 16385, e.owner, 0, nil},
		{"2 bits: page 2", https(3), 40000, e.owner, 1, nil},
		{"2 bits: page never written", https(3), 60000, e.owner, 0, nil},
		{"2 bits: last index", https(3), 65535, e.owner, 0, nil},
		{"2 bits: out of range", https(3), 65536, e.owner, 0, ledger.ErrOutOfRange},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, ht, err := e.f.cache.Status(ctx, tc.uri, tc.idx, tc.issuer)
			if tc.err != nil {
				for _, other := range []error{ledger.ErrOutOfRange, ledger.ErrWrongOwner, ledger.ErrNotFound, ledger.ErrUnavailable} {
					if errors.Is(err, other) != errors.Is(other, tc.err) {
						t.Fatalf("%v; want %v", err, tc.err)
					}
				}
				return
			}
			if err != nil || v != tc.want || ht != height {
				t.Fatalf("%d at %d, %v; want %d at %d", v, ht, err, tc.want, height)
			}
		})
	}
}

// TestStatusVisibleAfterStep: a revocation is answered from the block it is
// in once that block is applied, not before.
func TestStatusVisibleAfterStep(t *testing.T) {
	ctx := context.Background()
	e := newStatusEnv(t)
	e.f.apply()
	h0 := e.f.cache.Sync().Height
	for _, idx := range []uint32{5, 16390} {
		if v, ht, err := e.f.cache.Status(ctx, https(3), idx, e.owner); v != 0 || ht != h0 || err != nil {
			t.Fatalf("%d: %d at %d, %v", idx, v, ht, err)
		}
	}
	if err := e.f.chain.SetStatus(https(3), 5, 1); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := e.f.cache.Status(ctx, https(3), 5, e.owner); v != 0 {
		t.Fatal("a pending change answered")
	}
	e.f.chain.Commit()
	if v, ht, err := e.f.cache.Status(ctx, https(3), 5, e.owner); v != 0 || ht != h0 || err != nil {
		t.Fatalf("a block not applied yet: %d at %d, %v", v, ht, err)
	}
	if err := e.f.cache.Step(ctx); err != nil {
		t.Fatal(err)
	}
	q := e.f.node.Queries()
	if v, ht, err := e.f.cache.Status(ctx, https(3), 5, e.owner); v != 1 || ht != h0+1 || err != nil {
		t.Fatalf("after the block: %d at %d, %v", v, ht, err)
	}
	if n := e.f.node.Queries() - q; n != 1 {
		t.Fatalf("%d reads for the written page, want 1", n)
	}
	q = e.f.node.Queries()
	if v, ht, err := e.f.cache.Status(ctx, https(3), 16390, e.owner); v != 0 || ht != h0+1 || err != nil || e.f.node.Queries() != q {
		t.Fatalf("a page not written: %d at %d, %v, %d reads", v, ht, err, e.f.node.Queries()-q)
	}
}

// TestStatusListCreated: a created list drops a cached "no such list".
func TestStatusListCreated(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write bool // the block that creates the list also writes it
		bug   string
	}{
		{name: "created"},
		{name: "created and written in one block", write: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bug != "" {
				t.Skip("BUG: " + tc.bug)
			}
			ctx := context.Background()
			f := newFixture(t)
			owner := newDID(t)
			f.apply()
			for range 2 {
				if _, _, err := f.cache.Status(ctx, https(4), 3, owner); !errors.Is(err, ledger.ErrNotFound) {
					t.Fatalf("before: %v", err)
				}
			}
			if err := f.chain.CreateList(4, owner, 1, 32768); err != nil {
				t.Fatal(err)
			}
			want := uint8(0)
			if tc.write {
				if err := f.chain.SetStatus(https(4), 3, 1); err != nil {
					t.Fatal(err)
				}
				want = 1
			}
			f.apply()
			if v, _, err := f.cache.Status(ctx, https(4), 3, owner); v != want || err != nil {
				t.Fatalf("after: %d, %v; want %d", v, err, want)
			}
		})
	}
}
