package jws_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/keys"
)

var b64 = base64.RawURLEncoding

func sign(t testing.TB, c keys.Curve, hdr map[string]any, payload string) (string, keys.PrivateKey) {
	t.Helper()
	k, err := keys.Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jws.Sign(context.Background(), jws.NewKeySigner(k), hdr, []byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	return tok, k
}

func TestSignParseVerify(t *testing.T) {
	for _, c := range []keys.Curve{keys.Ed25519, keys.P256, keys.Secp256k1} {
		tok, k := sign(t, c, map[string]any{"typ": "x+jwt", "kid": "did:ex:1#k"}, `{"a":1}`)
		p, err := jws.Parse(tok, nil)
		if err != nil {
			t.Fatal(err)
		}
		if p.Alg != k.Public().Algorithm() || p.Typ != "x+jwt" || p.Kid != "did:ex:1#k" || string(p.Payload) != `{"a":1}` {
			t.Fatalf("%s: %+v", c, p)
		}
		if err := p.Verify(k.Public()); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		other, _ := keys.Generate(c)
		if err := p.Verify(other.Public()); !errors.Is(err, jws.ErrSignature) {
			t.Fatalf("%s other key: %v", c, err)
		}
		// go-jose agrees for the algorithms it implements.
		if c != keys.Secp256k1 {
			js, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := js.Verify(k.Public().CryptoPublicKey()); err != nil {
				t.Fatalf("%s: go-jose verify: %v", c, err)
			}
		}
	}
}

func TestParseRejects(t *testing.T) {
	good, k := sign(t, keys.Ed25519, nil, `{}`)
	parts := strings.Split(good, ".")
	hdr := func(h string) string { return b64.EncodeToString([]byte(h)) + "." + parts[1] + "." + parts[2] }
	cases := []struct {
		in   string
		want error
	}{
		{"", jws.ErrMalformed},
		{"a.b", jws.ErrMalformed},
		{good + ".x", jws.ErrMalformed},
		{"." + parts[1] + "." + parts[2], jws.ErrMalformed},
		{parts[0] + "." + parts[1] + ".", jws.ErrSignature},
		{parts[0] + "." + parts[1] + "." + parts[2][:40], jws.ErrSignature},
		{" " + good, jws.ErrMalformed},
		{hdr(`[]`), jws.ErrMalformed},
		{hdr(`{"alg":1}`), jws.ErrMalformed},
		{hdr(`{}`), jws.ErrMalformed},
		{hdr(`{"alg":"none"}`), jws.ErrAlgNotAllowed},
		{hdr(`{"alg":"HS256"}`), jws.ErrAlgNotAllowed},
		{hdr(`{"alg":"RS256"}`), jws.ErrAlgNotAllowed},
		{hdr(`{"alg":"EdDSA","jwk":{}}`), jws.ErrKeyInHeader},
		{hdr(`{"alg":"EdDSA","jku":"x"}`), jws.ErrKeyInHeader},
		{hdr(`{"alg":"EdDSA","x5u":"x"}`), jws.ErrKeyInHeader},
		{hdr(`{"alg":"EdDSA","x5c":[]}`), jws.ErrKeyInHeader},
		{hdr(`{"alg":"EdDSA","crit":["b64"],"b64":false}`), jws.ErrUnsupportedHeader},
		{hdr(`{"alg":"EdDSA","typ":7}`), jws.ErrMalformed},
		{hdr(`{"alg":"EdDSA","kid":null}`), jws.ErrMalformed},
	}
	for _, c := range cases {
		if _, err := jws.Parse(c.in, nil); !errors.Is(err, c.want) {
			t.Errorf("%.60q: got %v, want %v", c.in, err, c.want)
		}
	}
	// HMAC and none are refused even when a caller lists them.
	if _, err := jws.Parse(hdr(`{"alg":"HS256"}`), []string{"HS256"}); !errors.Is(err, jws.ErrAlgNotAllowed) {
		t.Errorf("listed HS256: %v", err)
	}
	p, _ := jws.Parse(hdr(`{"alg":"ES256"}`), nil)
	if err := p.Verify(k.Public()); !errors.Is(err, jws.ErrKeyMismatch) {
		t.Errorf("alg/key mismatch: %v", err)
	}
}

// FuzzParseCompact checks that every token jws.Parse accepts is also accepted
// by go-jose's ParseSigned with the same header alg, kid and payload: the lean
// parser is never more permissive than go-jose.
func FuzzParseCompact(f *testing.F) {
	tok, _ := sign(f, keys.Ed25519, map[string]any{"typ": "dc+sd-jwt", "kid": "did:ex:1#k"}, `{"iss":"did:ex:1","_sd":["a"]}`)
	f.Add(tok)
	tok, _ = sign(f, keys.P256, nil, `{}`)
	f.Add(tok)
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := jws.Parse(s, nil)
		if err != nil {
			return
		}
		js, err := jose.ParseSignedCompact(s, []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256, "ES256K"})
		if err != nil {
			t.Fatalf("accepted %q that go-jose rejects: %v", s, err)
		}
		h := js.Signatures[0].Protected
		if string(h.Algorithm) != p.Alg || h.KeyID != p.Kid {
			t.Fatalf("header differs: go-jose %s/%s, ours %s/%s", h.Algorithm, h.KeyID, p.Alg, p.Kid)
		}
		if !bytes.Equal(js.UnsafePayloadWithoutVerification(), p.Payload) {
			t.Fatal("payload differs")
		}
	})
}
