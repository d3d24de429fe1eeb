package sdjwtvc_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
)

const (
	issuerDID = "did:amanah:test:jpn"
	issuerKID = issuerDID + "#assert-1"
	authKID   = issuerDID + "#auth-1" // exists, but not an assertionMethod
	testVCT   = "https://amanah.example/vct/pid/1"
	testNonce = "n-0S6_WzA2Mj"
	testAud   = "did:amanah:test:bank-1"
	statusURI = "https://status.amanah.example/lists/7"
)

// t0 is the fixed issuance time of test credentials.
var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// fixture is one issuer, one holder and a ledger-like resolver.
type fixture struct {
	issuerKey keys.PrivateKey
	holderKey keys.PrivateKey
	issuer    *sdjwtvc.Issuer
	verifier  *sdjwtvc.Verifier
	now       time.Time
}

// resolver mimics the verifier service's DID cache: one assertionMethod key
// and one authentication-only key under issuerDID.
type resolver struct{ assert, auth keys.PublicKey }

func (r resolver) ResolveIssuerKey(_ context.Context, iss, kid string, _ time.Time) (keys.PublicKey, error) {
	switch {
	case iss != issuerDID:
		return keys.PublicKey{}, fmt.Errorf("did %s: %w", iss, sdjwtvc.ErrUnknownKey)
	case kid == issuerKID:
		return r.assert, nil
	case kid == authKID:
		return keys.PublicKey{}, fmt.Errorf("%s: %w", kid, sdjwtvc.ErrNotAssertionMethod)
	}
	return keys.PublicKey{}, fmt.Errorf("%s: %w", kid, sdjwtvc.ErrUnknownKey)
}

// newFixture makes an issuer key of curve c and a holder key of holder[0] (default c).
func newFixture(t testing.TB, c keys.Curve, holder ...keys.Curve) *fixture {
	t.Helper()
	ik, err := keys.Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	hc := c
	if len(holder) > 0 {
		hc = holder[0]
	}
	hk, err := keys.Generate(hc)
	if err != nil {
		t.Fatal(err)
	}
	authKey, err := keys.Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{issuerKey: ik, holderKey: hk, now: t0.Add(time.Hour)}
	f.issuer = &sdjwtvc.Issuer{DID: issuerDID, KeyID: issuerKID, Signer: jws.NewKeySigner(ik), Now: func() time.Time { return t0 }}
	f.verifier = &sdjwtvc.Verifier{
		Resolver: resolver{assert: ik.Public(), auth: authKey.Public()},
		Options:  sdjwt.Options{Now: func() time.Time { return f.now }},
	}
	return f
}

// personalClaims returns ten top-level disclosable claims once the two age
// predicates are added (birthdate gives age_over_18 and age_over_21).
func personalClaims() map[string]any {
	return map[string]any{
		"given_name":      "Siti",
		"family_name":     "Aminah",
		"birthdate":       "2006-08-17", // 19 at t0
		"nationality":     "MY",
		"document_number": "900817-14-5566",
		"email":           "siti@example.my",
		"address": map[string]any{
			"street_address": "12 Jalan Ampang",
			"locality":       "Kuala Lumpur",
			"country":        "MY",
		},
		"nationalities": []any{"MY", "SG"},
	}
}

func (f *fixture) credential() sdjwtvc.Credential {
	return sdjwtvc.Credential{
		VCT:     testVCT,
		Claims:  personalClaims(),
		Holder:  f.holderKey.Public(),
		Status:  &sdjwtvc.StatusRef{Index: 4711, URI: statusURI},
		Expires: t0.Add(365 * 24 * time.Hour),
	}
}

func (f *fixture) issue(t testing.TB) string {
	t.Helper()
	s, err := f.issuer.Issue(context.Background(), f.credential())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fixture) kb() *sdjwt.KeyBinding {
	return &sdjwt.KeyBinding{Signer: jws.NewKeySigner(f.holderKey), Nonce: testNonce, Audience: testAud, IssuedAt: f.now}
}

// present issues a credential and presents the given paths with key binding.
func (f *fixture) present(t testing.TB, issued string, paths ...string) string {
	t.Helper()
	sd, err := sdjwt.Parse(issued)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sd.Present(context.Background(), paths, f.kb())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) verify(p string) (*sdjwtvc.Result, error) {
	return f.verifier.Verify(context.Background(), p, sdjwtvc.Challenge{Nonce: testNonce, Audience: testAud})
}
