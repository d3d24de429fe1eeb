package keys

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParsePublicJWK checks that the parser never panics, that every error
// wraps a package sentinel, and that accepted keys re-encode to a canonical
// JWK that parses back to the same key.
func FuzzParsePublicJWK(f *testing.F) {
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ParsePublicJWK(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidJWK) {
				t.Fatalf("error does not wrap ErrInvalidJWK: %v", err)
			}
			return
		}
		j, err := k.JWK()
		if err != nil {
			t.Fatal(err)
		}
		k2, err := ParsePublicJWK(j)
		if err != nil || !k2.Equal(k) {
			t.Fatalf("re-parse of %s: %v", j, err)
		}
		if j2, _ := k2.JWK(); !bytes.Equal(j, j2) {
			t.Fatal("JWK not canonical")
		}
		if _, err := ParseMultikey(k.Multikey()); err != nil {
			t.Fatalf("Multikey of parsed key: %v", err)
		}
	})
}

// FuzzParseMultikey checks that the parser never panics and that accepted
// strings are exactly the canonical encoding of the decoded key.
func FuzzParseMultikey(f *testing.F) {
	f.Add("z6MktZw8HgaRUoG8S9asnmDKQL458uEhuuNT9U2UK5cT6Tmh")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseMultikey(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidMultikey) {
				t.Fatalf("error does not wrap ErrInvalidMultikey: %v", err)
			}
			return
		}
		if k.Multikey() != s {
			t.Fatalf("accepted non-canonical %q", s)
		}
		k2, err := PublicKeyFromBytes(k.Curve(), k.Bytes())
		if err != nil || !k2.Equal(k) {
			t.Fatalf("bytes round trip: %v", err)
		}
	})
}
