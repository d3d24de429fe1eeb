package sdjwt_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/keys"
)

const vectorDir = "../testdata/vectors/sdjwt"

type vector struct {
	IssuerJWK      json.RawMessage `json:"issuer_jwk"`
	IssuerHeader   map[string]any  `json:"issuer_jwt_header"`
	Presentation   string          `json:"presentation"`
	KeyBinding     bool            `json:"key_binding"`
	Nonce          string          `json:"nonce"`
	Aud            string          `json:"aud"`
	KBIat          int64           `json:"kb_iat"`
	ExpectedSDHash string          `json:"expected_sd_hash"`
	ExpectedClaims map[string]any  `json:"expected_claims"`
	Outcome        string          `json:"expected_outcome"`
}

func fixedKey(t testing.TB, jwk []byte) sdjwt.IssuerKeyFunc {
	t.Helper()
	k, err := keys.ParsePublicJWK(jwk)
	if err != nil {
		t.Fatal(err)
	}
	return func(context.Context, *jws.Token, map[string]any) (keys.PublicKey, error) { return k, nil }
}

// normalizeJSON round-trips v through encoding/json so numbers compare equal.
func normalizeJSON(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func readVector(t testing.TB, name string) vector {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(vectorDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestThirdPartyVectors verifies the 8 RFC 9901 / SD-JWT VC vectors and
// compares the processed payload with the one printed in the source.
func TestThirdPartyVectors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(vectorDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "derived-") {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var v vector
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			typ, _ := v.IssuerHeader["typ"].(string)
			opts := &sdjwt.Options{
				Types:              []string{typ},
				KeyBindingOptional: !v.KeyBinding,
				Nonce:              v.Nonce,
				Audience:           v.Aud,
				Now:                func() time.Time { return time.Unix(v.KBIat+10, 0) },
			}
			if v.KBIat == 0 { // no KB-JWT: any time between iat and exp
				opts.Now = func() time.Time { return time.Unix(1700000000, 0) }
			}
			res, err := sdjwt.Verify(context.Background(), v.Presentation, fixedKey(t, v.IssuerJWK), opts)
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if res.KeyBound != v.KeyBinding {
				t.Fatalf("KeyBound = %v, want %v", res.KeyBound, v.KeyBinding)
			}
			if v.KeyBinding {
				sdPart := v.Presentation[:strings.LastIndexByte(v.Presentation, '~')+1]
				if got := sdjwt.SDHash(sdPart); got != v.ExpectedSDHash {
					t.Fatalf("sd_hash %s, want %s", got, v.ExpectedSDHash)
				}
			}
			got, want := normalizeJSON(t, res.Claims), normalizeJSON(t, v.ExpectedClaims)
			if !reflect.DeepEqual(got, want) {
				gb, _ := json.MarshalIndent(got, "", " ")
				wb, _ := json.MarshalIndent(want, "", " ")
				t.Fatalf("claims differ\n got: %s\nwant: %s", gb, wb)
			}
			// The wallet parser maps every disclosure of the vector.
			if _, err := sdjwt.Parse(v.Presentation); err != nil {
				t.Fatalf("wallet parse: %v", err)
			}
		})
	}
	if n != 8 {
		t.Fatalf("found %d third-party vectors, want 8", n)
	}
}

// TestDerivedNegativeVectors maps each derived rejection onto a stable reason.
func TestDerivedNegativeVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(vectorDir, "derived-negative-cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		IssuerJWK json.RawMessage `json:"issuer_jwk"`
		Cases     []struct {
			ID           string `json:"id"`
			Presentation string `json:"presentation"`
			Expects      struct {
				Nonce    string `json:"nonce"`
				Aud      string `json:"aud"`
				Required bool   `json:"key_binding_required"`
			} `json:"verifier_expects"`
			Outcome string `json:"expected_outcome"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	want := map[string]sdjwt.Reason{
		"tampered-issuer-signature":           sdjwt.ReasonSignatureInvalid,
		"wrong-nonce":                         sdjwt.ReasonNonceMismatch,
		"wrong-aud":                           sdjwt.ReasonAudMismatch,
		"kb-required-but-missing":             sdjwt.ReasonKBMissing,
		"sd-hash-mismatch-disclosure-removed": sdjwt.ReasonSDHashMismatch,
		"unreferenced-disclosure":             sdjwt.ReasonDisclosureUnreferenced,
		"tampered-disclosure":                 sdjwt.ReasonDisclosureInvalid, // the mutation breaks its JSON
	}
	if len(file.Cases) != len(want) {
		t.Fatalf("%d cases, want %d", len(file.Cases), len(want))
	}
	for _, c := range file.Cases {
		t.Run(c.ID, func(t *testing.T) {
			if c.Outcome != "reject" {
				t.Fatalf("outcome %q", c.Outcome)
			}
			nonce, aud := c.Expects.Nonce, c.Expects.Aud
			if c.Expects.Required && nonce == "" {
				nonce, aud = "1234567890", "https://verifier.example.org"
			}
			opts := &sdjwt.Options{
				Types:              []string{"example+sd-jwt"},
				KeyBindingOptional: !c.Expects.Required,
				Nonce:              nonce,
				Audience:           aud,
				Now:                func() time.Time { return time.Unix(1748537243+10, 0) },
			}
			_, err := sdjwt.Verify(context.Background(), c.Presentation, fixedKey(t, file.IssuerJWK), opts)
			if got := sdjwt.ReasonOf(err); got != want[c.ID] {
				t.Fatalf("reason %q (%v), want %q", got, err, want[c.ID])
			}
		})
	}
}
