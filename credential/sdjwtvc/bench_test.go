package sdjwtvc_test

// All benchmarks of the credential library live in this file so that one run
// measures them side by side:
//
//	go test ./credential/sdjwtvc -run '^$' -bench . -benchtime 2s -cpu 1

import (
	"context"
	"testing"

	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
)

// benchClaims gives exactly ten top-level disclosable claims: eight personal
// claims plus age_over_18 and age_over_21 derived from birthdate.
func benchClaims() map[string]any {
	return map[string]any{
		"given_name":      "Siti",
		"family_name":     "Aminah",
		"birthdate":       "2006-08-17",
		"nationality":     "MY",
		"document_number": "900817-14-5566",
		"email":           "siti@example.my",
		"phone_number":    "+60123456789",
		"locality":        "Kuala Lumpur",
	}
}

var benchPaths = []string{"age_over_18", "given_name", "nationality"}

// benchFixture returns a fixture whose issuer writes no decoys, so the issuer
// JWT carries exactly ten digests.
func benchFixture(b *testing.B, c keys.Curve) *fixture {
	f := newFixture(b, c)
	f.issuer.MaxDecoys = -1
	return f
}

func (f *fixture) benchCredential() sdjwtvc.Credential {
	c := f.credential()
	c.Claims = benchClaims()
	return c
}

func (f *fixture) benchPresentation(b *testing.B) string {
	issued, err := f.issuer.Issue(context.Background(), f.benchCredential())
	if err != nil {
		b.Fatal(err)
	}
	return f.present(b, issued, benchPaths...)
}

func BenchmarkIssue(b *testing.B) {
	f := benchFixture(b, keys.Ed25519)
	c := f.benchCredential()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.issuer.Issue(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPresent(b *testing.B) {
	f := benchFixture(b, keys.Ed25519)
	issued, err := f.issuer.Issue(context.Background(), f.benchCredential())
	if err != nil {
		b.Fatal(err)
	}
	kb := f.kb()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		sd, err := sdjwt.Parse(issued)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sd.Present(ctx, benchPaths, kb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	for _, c := range []struct {
		name  string
		curve keys.Curve
	}{{"EdDSA", keys.Ed25519}, {"ES256", keys.P256}} {
		b.Run(c.name, func(b *testing.B) {
			f := benchFixture(b, c.curve)
			p := f.benchPresentation(b)
			ctx := context.Background()
			ch := sdjwtvc.Challenge{Nonce: testNonce, Audience: testAud}
			b.SetBytes(int64(len(p)))
			b.ReportAllocs()
			for b.Loop() {
				res, err := f.verifier.Verify(ctx, p, ch)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Claims) != 9 { // 6 registered + 3 disclosed
					b.Fatalf("%d claims", len(res.Claims))
				}
			}
		})
	}
}

// BenchmarkFloor measures the two signature verifications alone (issuer JWT
// and KB-JWT) over inputs of the same size as BenchmarkVerify's.
func BenchmarkFloor(b *testing.B) {
	for _, c := range []struct {
		name  string
		curve keys.Curve
	}{{"Ed25519x2", keys.Ed25519}, {"P256x2", keys.P256}} {
		b.Run(c.name, func(b *testing.B) {
			f := benchFixture(b, c.curve)
			p := f.benchPresentation(b)
			sd, err := sdjwt.Parse(p)
			if err != nil {
				b.Fatal(err)
			}
			msg1 := []byte(sd.IssuerJWT[:len(sd.IssuerJWT)-87])
			sig1, _ := f.issuerKey.Sign(msg1)
			msg2 := make([]byte, 180)
			sig2, _ := f.holderKey.Sign(msg2)
			ik, hk := f.issuerKey.Public(), f.holderKey.Public()
			b.ReportAllocs()
			for b.Loop() {
				if ik.Verify(msg1, sig1) != nil || hk.Verify(msg2, sig2) != nil {
					b.Fatal("verify")
				}
			}
		})
	}
}

func BenchmarkVcGoParse(b *testing.B) {
	b.Run("EdDSA", func(b *testing.B) {
		f := benchFixture(b, keys.Ed25519)
		p := f.benchPresentation(b)
		b.SetBytes(int64(len(p)))
		b.ReportAllocs()
		for b.Loop() {
			claims, err := vcgoVerify(f, p, testNonce, testAud)
			if err != nil {
				b.Fatal(err)
			}
			if len(claims) != 9 {
				b.Fatalf("%d claims", len(claims))
			}
		}
	})
}

// BenchmarkReject measures rejecting a replayed presentation (stale nonce):
// the KB-JWT claims are checked before any signature.
func BenchmarkReject(b *testing.B) {
	b.Run("ReplayedNonce", func(b *testing.B) {
		f := benchFixture(b, keys.Ed25519)
		p := f.benchPresentation(b)
		ctx := context.Background()
		ch := sdjwtvc.Challenge{Nonce: "fresh-nonce", Audience: testAud}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.verifier.Verify(ctx, p, ch); sdjwt.ReasonOf(err) != sdjwt.ReasonNonceMismatch {
				b.Fatal(err)
			}
		}
	})
}
