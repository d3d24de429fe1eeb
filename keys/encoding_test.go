package keys

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/multiformats/go-multibase"
)

func TestJWKRoundTrip(t *testing.T) {
	for _, c := range allCurves {
		t.Run(string(c), func(t *testing.T) {
			k := mustGenerate(t, c)
			j, err := k.Public().JWK()
			if err != nil {
				t.Fatal(err)
			}
			pub, err := ParsePublicJWK(j)
			if err != nil || !pub.Equal(k.Public()) {
				t.Fatalf("public round trip: %v", err)
			}
			j2, _ := pub.JWK()
			if !bytes.Equal(j, j2) {
				t.Fatalf("JWK not deterministic: %s vs %s", j, j2)
			}
			pj, err := k.JWK()
			if err != nil {
				t.Fatal(err)
			}
			priv, err := ParsePrivateJWK(pj)
			if err != nil || !priv.Equal(k) {
				t.Fatalf("private round trip: %v", err)
			}
			if _, err := ParsePublicJWK(pj); !errors.Is(err, ErrPrivateMaterial) || !errors.Is(err, ErrInvalidJWK) {
				t.Fatalf("private JWK as public: %v", err)
			}
			var m map[string]any
			if err := json.Unmarshal(j, &m); err != nil || m["crv"] != string(c) {
				t.Fatalf("JWK %s", j)
			}
		})
	}
}

func TestJWKMemberOrder(t *testing.T) {
	k, err := ParsePublicJWK([]byte(`{"y":"Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8","x":"b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ","kty":"EC","crv":"P-256","kid":"12","use":"sig","alg":"ES256","key_ops":["verify"]}`))
	if err != nil {
		t.Fatal(err)
	}
	j, _ := k.JWK()
	want := `{"crv":"P-256","kty":"EC","x":"b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ","y":"Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"}`
	if string(j) != want {
		t.Fatalf("got %s", j)
	}
}

// did:jwk specification example (P-256).
const didJWKSpecExample = "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9"

func TestDIDJWK(t *testing.T) {
	k, err := ParseDIDJWK(didJWKSpecExample)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := DIDJWK(k); d != didJWKSpecExample {
		t.Fatalf("re-encoded %s", d)
	}
	if k2, err := ParseDIDJWK(didJWKSpecExample + "#0"); err != nil || !k2.Equal(k) {
		t.Fatalf("DID URL #0: %v", err)
	}
	for _, c := range allCurves {
		pub := mustGenerate(t, c).Public()
		d, err := DIDJWK(pub)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseDIDJWK(d)
		if err != nil || !got.Equal(pub) {
			t.Fatalf("%s: %v", c, err)
		}
	}
}

func TestParseDIDJWKInvalid(t *testing.T) {
	priv := mustGenerate(t, Ed25519)
	pj, _ := priv.JWK()
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrInvalidDIDJWK},
		{"other method", "did:key:z6MktZw8HgaRUoG8S9asnmDKQL458uEhuuNT9U2UK5cT6Tmh", ErrInvalidDIDJWK},
		{"empty id", "did:jwk:", ErrInvalidDIDJWK},
		{"fragment not 0", didJWKSpecExample + "#1", ErrInvalidDIDJWK},
		{"padded", didJWKSpecExample + "=", ErrInvalidDIDJWK},
		{"std base64", "did:jwk:eyJjcnYiOiJQ+TI1NiJ9", ErrInvalidDIDJWK},
		{"path", didJWKSpecExample + "/x", ErrInvalidDIDJWK},
		{"query", didJWKSpecExample + "?x=1", ErrInvalidDIDJWK},
		{"not json", "did:jwk:" + b64.EncodeToString([]byte("hello")), ErrInvalidJWK},
		{"private jwk", "did:jwk:" + b64.EncodeToString(pj), ErrPrivateMaterial},
		{"too long", "did:jwk:" + strings.Repeat("A", 8000), ErrInvalidDIDJWK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseDIDJWK(tc.in); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestParsePublicJWKInvalid(t *testing.T) {
	const (
		x   = `"b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ"`
		y   = `"Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"`
		edX = `"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"`
	)
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"not json", `nope`, ErrInvalidJWK},
		{"array", `[]`, ErrInvalidJWK},
		{"trailing data", `{"kty":"OKP","crv":"Ed25519","x":` + edX + `} {}`, ErrInvalidJWK},
		{"duplicate member", `{"kty":"OKP","crv":"Ed25519","x":` + edX + `,"x":` + edX + `}`, ErrInvalidJWK},
		{"case-folded member", `{"kty":"OKP","crv":"Ed25519","X":` + edX + `}`, ErrInvalidJWK},
		{"missing kty", `{"crv":"Ed25519","x":` + edX + `}`, ErrInvalidJWK},
		{"kty not string", `{"kty":1,"crv":"Ed25519","x":` + edX + `}`, ErrInvalidJWK},
		{"RSA", `{"kty":"RSA","n":"AQAB","e":"AQAB"}`, ErrUnsupportedCurve},
		{"oct", `{"kty":"oct","k":"AQAB"}`, ErrPrivateMaterial},
		{"X25519", `{"kty":"OKP","crv":"X25519","x":"3kY9jl1by7pLzgJktUH-e9H6fihdVUb00-sTzkfmIl8"}`, ErrUnsupportedCurve},
		{"P-384", `{"kty":"EC","crv":"P-384","x":` + x + `,"y":` + y + `}`, ErrUnsupportedCurve},
		{"OKP with P-256", `{"kty":"OKP","crv":"P-256","x":` + x + `,"y":` + y + `}`, ErrUnsupportedCurve},
		{"private d", `{"kty":"OKP","crv":"Ed25519","x":` + edX + `,"d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`, ErrPrivateMaterial},
		{"private p", `{"kty":"EC","crv":"P-256","x":` + x + `,"y":` + y + `,"p":"AA"}`, ErrPrivateMaterial},
		{"y on OKP", `{"kty":"OKP","crv":"Ed25519","x":` + edX + `,"y":` + y + `}`, ErrInvalidJWK},
		{"unknown member", `{"kty":"EC","crv":"P-256","x":` + x + `,"y":` + y + `,"x5u":"https://e.example"}`, ErrInvalidJWK},
		{"missing y", `{"kty":"EC","crv":"P-256","x":` + x + `}`, ErrInvalidJWK},
		{"short x", `{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUQ"}`, ErrInvalidJWK},
		{"padded x", `{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="}`, ErrInvalidJWK},
		{"std alphabet x", `{"kty":"EC","crv":"P-256","x":"b28d4MwZMjw8+00CG4xfnn9SLMVMM19SlqZpVb/uNtQ","y":` + y + `}`, ErrInvalidJWK},
		{"non-canonical trailing bits", `{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURp"}`, ErrInvalidJWK},
		{"off curve", `{"kty":"EC","crv":"P-256","x":` + x + `,"y":"Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk0"}`, ErrInvalidKey},
		{"P-256 point as secp256k1", `{"kty":"EC","crv":"secp256k1","x":` + x + `,"y":` + y + `}`, ErrInvalidKey},
		{"ed25519 small order", `{"kty":"OKP","crv":"Ed25519","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`, ErrInvalidKey},
		{"alg mismatch", `{"kty":"EC","crv":"P-256","x":` + x + `,"y":` + y + `,"alg":"ES256K"}`, ErrInvalidJWK},
		{"alg none", `{"kty":"OKP","crv":"Ed25519","x":` + edX + `,"alg":"none"}`, ErrInvalidJWK},
		{"use enc", `{"kty":"OKP","crv":"Ed25519","x":` + edX + `,"use":"enc"}`, ErrInvalidJWK},
		{"key_ops sign on public", `{"kty":"OKP","crv":"Ed25519","x":` + edX + `,"key_ops":["sign"]}`, ErrInvalidJWK},
		{"kid not string", `{"kty":"OKP","crv":"Ed25519","x":` + edX + `,"kid":7}`, ErrInvalidJWK},
		{"invalid utf8", "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":" + edX + ",\"kid\":\"\xff\"}", ErrInvalidJWK},
		{"too large", `{"kty":"OKP","crv":"Ed25519","x":` + edX + `,"kid":"` + strings.Repeat("a", 5000) + `"}`, ErrInvalidJWK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParsePublicJWK([]byte(tc.in)); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestParsePrivateJWKInvalid(t *testing.T) {
	a := mustGenerate(t, P256)
	b := mustGenerate(t, P256)
	aj, _ := a.Public().JWK()
	bj, _ := b.JWK()
	var am, bm map[string]string
	_ = json.Unmarshal(aj, &am)
	_ = json.Unmarshal(bj, &bm)
	am["d"] = bm["d"]
	mismatch, _ := json.Marshal(am)
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"public only", aj, ErrInvalidJWK},
		{"mismatched d", mismatch, ErrInvalidJWK},
		{"short d", []byte(strings.Replace(string(bj), bm["d"], "AAAA", 1)), ErrInvalidJWK},
		{"rsa member", []byte(strings.Replace(string(bj), `"kty"`, `"dp":"AA","kty"`, 1)), ErrInvalidJWK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParsePrivateJWK(tc.in); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestMultikey(t *testing.T) {
	// did:key / Multikey specification examples.
	vectors := map[string]Curve{
		"z6MktZw8HgaRUoG8S9asnmDKQL458uEhuuNT9U2UK5cT6Tmh":  Ed25519,
		"zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169": P256,
		"zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme": Secp256k1,
	}
	for s, c := range vectors {
		k, err := ParseMultikey(s)
		if err != nil || k.Curve() != c || k.Multikey() != s {
			t.Errorf("%s: %v %s", s, err, k.Curve())
		}
	}
	for _, c := range allCurves {
		k := mustGenerate(t, c).Public()
		got, err := ParseMultikey(k.Multikey())
		if err != nil || !got.Equal(k) {
			t.Fatalf("%s round trip: %v", c, err)
		}
	}
}

func TestParseMultikeyInvalid(t *testing.T) {
	ed := "z6MktZw8HgaRUoG8S9asnmDKQL458uEhuuNT9U2UK5cT6Tmh"
	k, _ := ParseMultikey(ed)
	enc := func(prefix []byte, raw []byte) string {
		return "z" + base58(append(append([]byte{}, prefix...), raw...))
	}
	p := mustGenerate(t, P256).Public()
	u, _ := p.ecdsaUncompressed()
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrInvalidMultikey},
		{"base64 prefix", "m7QH", ErrInvalidMultikey},
		{"no prefix", ed[1:], ErrInvalidMultikey},
		{"bad base58 char", "z6Mk0OIl", ErrInvalidMultikey},
		{"x25519 codec", "z6LSgfZQjTYyX6t1GQSeFb6HCDhcAJFk9dN7YBCqtbH1ciHr", ErrUnsupportedCurve},
		{"truncated", enc(multicodecEd25519, k.Bytes()[:31]), ErrInvalidMultikey},
		{"extra byte", enc(multicodecEd25519, append(k.Bytes(), 0)), ErrInvalidMultikey},
		{"uncompressed p256", enc(multicodecP256, u), ErrInvalidMultikey},
		{"small order ed25519", enc(multicodecEd25519, append([]byte{1}, make([]byte, 31)...)), ErrInvalidKey},
		{"leading zero padding", "z1" + ed[1:], ErrInvalidMultikey},
		{"too long", "z" + strings.Repeat("2", 200), ErrInvalidMultikey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseMultikey(tc.in); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func (k PublicKey) ecdsaUncompressed() ([]byte, error) {
	x, y := k.ecPoint()
	return append(append([]byte{4}, x...), y...), nil
}

func base58(b []byte) string {
	s, _ := multibaseEncodeBase58(b)
	return s
}

func multibaseEncodeBase58(b []byte) (string, error) {
	s, err := multibase.Encode(multibase.Base58BTC, b)
	return s[1:], err
}
