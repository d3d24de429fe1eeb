package sdjwtvc_test

import (
	"crypto/ed25519"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v3/jwt"
	"github.com/trustbloc/kms-go/doc/jose"
	"github.com/trustbloc/kms-go/doc/jose/jwk/jwksupport"
	"github.com/trustbloc/vc-go/crypto-ext/testutil"
	"github.com/trustbloc/vc-go/crypto-ext/verifiers/ecdsa"
	"github.com/trustbloc/vc-go/proof/checker"
	"github.com/trustbloc/vc-go/proof/jwtproofs/es256"
	"github.com/trustbloc/vc-go/proof/testsupport"
	"github.com/trustbloc/vc-go/sdjwt/common"
	"github.com/trustbloc/vc-go/sdjwt/issuer"
	"github.com/trustbloc/vc-go/sdjwt/verifier"

	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/keys"
)

// vcgoIssue issues f's credential claims with trustbloc vc-go (SD-JWT draft 05 mode).
func vcgoIssue(t testing.TB, f *fixture, claims map[string]any, extra ...issuer.NewOpt) string {
	t.Helper()
	holderJWK, err := jwksupport.JWKFromKey(f.holderKey.CryptoSigner().Public())
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]any{"vct": testVCT}
	for k, v := range claims {
		all[k] = v
	}
	tok, err := issuer.New(issuerDID, all,
		jose.Headers{"typ": "dc+sd-jwt", "kid": issuerKID},
		testutil.NewEd25519Signer(f.issuerKey.CryptoSigner().(ed25519.PrivateKey)),
		append([]issuer.NewOpt{issuer.WithSDJWTVersion(common.SDJWTVersionV5),
			issuer.WithHolderPublicKey(holderJWK),
			issuer.WithIssuedAt(jwt.NewNumericDate(t0)),
			issuer.WithExpiry(jwt.NewNumericDate(t0.Add(365 * 24 * time.Hour))),
			issuer.WithNonSelectivelyDisclosableClaims([]string{"vct"}),
		}, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	s, err := tok.Serialize(false)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestInteropVcGoIssuedOurWalletAndVerifier: (a) a vc-go credential, presented
// by our wallet code, verifies in our verifier with exactly the chosen claims.
func TestInteropVcGoIssuedOurWalletAndVerifier(t *testing.T) {
	f := newFixture(t, keys.Ed25519)
	claims := map[string]any{"given_name": "Siti", "family_name": "Aminah", "age_over_18": true, "email": "siti@example.my",
		"address": map[string]any{"locality": "Kuala Lumpur", "country": "MY"}}
	issued := vcgoIssue(t, f, claims, issuer.WithStructuredClaims(true))
	// vc-go v1.3.6 drops one member disclosure of each structured object from
	// its output (the digest stays, so that member can never be shown); pick a
	// nested member whose disclosure is there.
	sd, err := sdjwt.Parse(issued)
	if err != nil {
		t.Fatal(err)
	}
	nested := ""
	for _, p := range sd.Paths() {
		if strings.HasPrefix(p, "address.") {
			nested = p
			break
		}
	}
	if nested == "" {
		t.Fatalf("no nested disclosure in vc-go output: %v", sd.Paths())
	}
	for _, paths := range [][]string{{"age_over_18"}, {"given_name", "email"}, {nested}, nil} {
		p := f.present(t, issued, paths...)
		res, err := f.verify(p)
		if err != nil {
			t.Fatalf("%v: %v", paths, err)
		}
		// vc-go's structured mode keeps the address object in plain text with
		// its members selectively disclosable.
		want := map[string]any{"address": map[string]any{}}
		for _, k := range paths {
			if k == nested {
				member := strings.TrimPrefix(k, "address.")
				want["address"] = map[string]any{member: claims["address"].(map[string]any)[member]}
				continue
			}
			want[k] = claims[k]
		}
		if got := personal(t, res.Claims); !reflect.DeepEqual(got, normalize(t, want)) {
			t.Fatalf("%v: claims %v", paths, got)
		}
		if res.Issuer != issuerDID || res.VCT != testVCT || !res.KeyBound {
			t.Fatalf("result %+v", res)
		}
	}
}

func normalize(t *testing.T, v any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(v)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// vcgoVerify runs vc-go's SD-JWT verifier with key binding required.
func vcgoVerify(f *fixture, p, nonce, aud string) (map[string]any, error) {
	var sv verifier.ParseOpt
	switch pub := f.issuerKey.Public(); pub.Curve() {
	case keys.Ed25519:
		sv = verifier.WithSignatureVerifier(testsupport.NewEd25519Verifier(pub.Bytes()))
	default:
		j, err := jwksupport.JWKFromKey(pub.CryptoPublicKey())
		if err != nil {
			return nil, err
		}
		sv = verifier.WithSignatureVerifier(checker.NewEmbeddedJWKProofChecker(j,
			checker.WithSignatureVerifiers(ecdsa.NewES256()), checker.WithJWTAlg(es256.New())))
	}
	return verifier.Parse(p, sv,
		verifier.WithIssuerSigningAlgorithms([]string{"EdDSA", "ES256"}),
		verifier.WithHolderSigningAlgorithms([]string{"EdDSA", "ES256"}),
		verifier.WithHolderVerificationRequired(true),
		verifier.WithExpectedNonceForHolderVerification(nonce),
		verifier.WithExpectedAudienceForHolderVerification(aud),
		verifier.WithExpectedTypHeader("dc+sd-jwt"),
	)
}

// TestInteropOursInVcGoVerifier: (b) our credential and presentation verify in
// vc-go's verifier with key binding required, and a wrong nonce fails there too.
func TestInteropOursInVcGoVerifier(t *testing.T) {
	for _, c := range []keys.Curve{keys.Ed25519, keys.P256} {
		t.Run(string(c), func(t *testing.T) { oursInVcGo(t, c) })
	}
}

func oursInVcGo(t *testing.T, c keys.Curve) {
	f := newFixture(t, c)
	issued := f.issue(t)
	p := f.present(t, issued, "age_over_18", "given_name", "address.locality", "nationalities.1")
	got, err := vcgoVerify(f, p, testNonce, testAud)
	if err != nil {
		t.Fatalf("vc-go rejects our presentation: %v", err)
	}
	ours, err := f.verify(p)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := personal(t, got), personal(t, ours.Claims); !reflect.DeepEqual(a, b) {
		t.Fatalf("vc-go claims %v, ours %v", a, b)
	}
	if _, err := vcgoVerify(f, p, "other-nonce", testAud); err == nil {
		t.Fatal("vc-go accepted a wrong nonce")
	}
}

// TestInteropVcGoDecoys documents a vc-go quirk: WithDecoyDigests appends the
// decoys' bare salts to the disclosure list, which RFC 9901 forbids (decoys
// are digests only), so our wallet rejects such an SD-JWT as disclosure_invalid.
func TestInteropVcGoDecoys(t *testing.T) {
	f := newFixture(t, keys.Ed25519)
	issued := vcgoIssue(t, f, map[string]any{"given_name": "Siti"}, issuer.WithDecoyDigests(true))
	if _, err := sdjwt.Parse(issued); sdjwt.ReasonOf(err) != sdjwt.ReasonDisclosureInvalid {
		t.Fatalf("got %v, want disclosure_invalid", err)
	}
}
