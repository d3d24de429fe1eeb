package sdjwt_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/amanah-id/amanah/credential/sdjwt"
)

// vectorIssuerJWK is the RFC 9901 A.5 example issuer key used by all vectors.
const vectorIssuerJWK = `{"kty":"EC","crv":"P-256","x":"b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ","y":"Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"}`

// checkResult asserts the invariants of any accepted presentation.
func checkResult(t *testing.T, res *sdjwt.Result) {
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if k == sdjwt.KeySD || k == sdjwt.KeyArray {
					t.Fatalf("processed claims still contain %q", k)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(res.Claims)
	if _, ok := res.Claims[sdjwt.KeySDAlg]; ok {
		t.Fatal("_sd_alg left in claims")
	}
}

// FuzzVerify feeds arbitrary presentations to Verify (key binding required,
// nonce/aud of the RFC 9901 vectors): it must never panic, every failure
// must carry a Reason, and accepted output must be fully processed.
func FuzzVerify(f *testing.F) {
	for _, p := range seedPresentations(f) {
		f.Add(p)
	}
	key := fixedKey(f, []byte(vectorIssuerJWK))
	opts := &sdjwt.Options{
		Nonce:    "1234567890",
		Audience: "https://verifier.example.org",
		Now:      func() time.Time { return time.Unix(1748537243+10, 0) },
	}
	f.Fuzz(func(t *testing.T, p string) {
		res, err := sdjwt.Verify(context.Background(), p, key, opts)
		if err != nil {
			var ve *sdjwt.VerifyError
			if !errors.As(err, &ve) || ve.Reason == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		checkResult(t, res)
		if !res.KeyBound {
			t.Fatal("accepted without key binding")
		}
	})
}

// FuzzParse feeds arbitrary SD-JWTs to the wallet parser and selection.
func FuzzParse(f *testing.F) {
	for _, p := range seedPresentations(f) {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sd, err := sdjwt.Parse(s)
		if err != nil {
			if sdjwt.ReasonOf(err) == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		for _, p := range sd.Paths() {
			ds, err := sd.Select(p)
			if err != nil || len(ds) == 0 {
				t.Fatalf("path %q of Paths() not selectable: %v", p, err)
			}
		}
	})
}

func seedPresentations(f *testing.F) []string {
	var out []string
	for _, name := range []string{"rfc9901-d22-sec5-simple-kb.json", "rfc9901-d22-A2-complex-structured-no-kb.json"} {
		raw := readVector(f, name)
		out = append(out, raw.Presentation)
		out = append(out, raw.Presentation[:strings.LastIndexByte(raw.Presentation, '~')+1])
	}
	return out
}
