package jws_test

import (
	"errors"
	"testing"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/keys"
)

// Only ParseKeyProof accepts a jwk header; jku, x5u and x5c stay refused everywhere.
func TestParseKeyProof(t *testing.T) {
	withJWK, _ := sign(t, keys.Ed25519, map[string]any{"typ": "openid4vci-proof+jwt", "jwk": map[string]any{"kty": "OKP"}}, `{}`)
	if _, err := jws.Parse(withJWK, nil); !errors.Is(err, jws.ErrKeyInHeader) {
		t.Fatalf("Parse with jwk: %v", err)
	}
	tok, err := jws.ParseKeyProof(withJWK, nil)
	if err != nil || tok.Typ != "openid4vci-proof+jwt" {
		t.Fatalf("ParseKeyProof: %v", err)
	}
	for _, h := range []string{"jku", "x5u", "x5c"} {
		bad, _ := sign(t, keys.Ed25519, map[string]any{"jwk": map[string]any{}, h: "x"}, `{}`)
		if _, err := jws.ParseKeyProof(bad, nil); !errors.Is(err, jws.ErrKeyInHeader) {
			t.Errorf("%s: %v", h, err)
		}
	}
}
