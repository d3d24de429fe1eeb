package sdjwtvc_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
)

var b64 = base64.RawURLEncoding

// attack builds one adversarial presentation for a fixture.
type attack struct {
	name  string
	build func(t *testing.T, f *fixture) string
	want  sdjwt.Reason
}

// mint is an issuer with hooks: it conceals the standard claims, lets mutate
// change the payload and disclosures, and signs with header hdr (members set
// to nil are removed from the default typ/kid header).
func (f *fixture) mint(t *testing.T, hdr map[string]any, mutate func(p map[string]any, ds *[]sdjwt.Disclosure)) (string, []sdjwt.Disclosure) {
	t.Helper()
	jwk, err := f.holderKey.Public().JWK()
	if err != nil {
		t.Fatal(err)
	}
	var jwkObj map[string]any
	_ = json.Unmarshal(jwk, &jwkObj)
	claims := personalClaims()
	claims["age_over_18"] = true
	claims["iss"] = issuerDID
	claims["vct"] = testVCT
	claims["iat"] = t0.Unix()
	claims["exp"] = t0.Add(24 * time.Hour).Unix()
	claims["cnf"] = map[string]any{"jwk": jwkObj}
	payload, ds, err := sdjwt.Conceal(claims, sdjwt.ConcealOptions{Visible: []string{"iss", "vct", "iat", "exp", "cnf"}})
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(payload, &ds)
	}
	h := map[string]any{"typ": "dc+sd-jwt", "kid": issuerKID}
	for k, v := range hdr {
		if v == nil {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	body, _ := json.Marshal(payload)
	tok, err := jws.Sign(context.Background(), jws.NewKeySigner(f.issuerKey), h, body)
	if err != nil {
		t.Fatal(err)
	}
	return tok, ds
}

// pick returns the disclosures of ds with the given claim names.
func pick(ds []sdjwt.Disclosure, names ...string) []sdjwt.Disclosure {
	var out []sdjwt.Disclosure
	for _, d := range ds {
		for _, n := range names {
			if d.Name == n {
				out = append(out, d)
			}
		}
	}
	return out
}

// assemble presents jwt with ds and a KB-JWT built from kb (the fixture's by default).
func (f *fixture) assemble(t *testing.T, jwt string, ds []sdjwt.Disclosure, kb *sdjwt.KeyBinding) string {
	t.Helper()
	p, err := sdjwt.Assemble(context.Background(), jwt, ds, kb)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// minted mints with hdr/mutate and presents given_name with key binding.
func minted(hdr map[string]any, mutate func(map[string]any, *[]sdjwt.Disclosure)) func(*testing.T, *fixture) string {
	return func(t *testing.T, f *fixture) string {
		jwt, ds := f.mint(t, hdr, mutate)
		return f.assemble(t, jwt, pick(ds, "given_name"), f.kb())
	}
}

// raw signs arbitrary header and payload JSON text with the issuer key.
func (f *fixture) raw(t *testing.T, hdr, payload string) string {
	t.Helper()
	in := b64.EncodeToString([]byte(hdr)) + "." + b64.EncodeToString([]byte(payload))
	sig, err := f.issuerKey.Sign([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	return in + "." + b64.EncodeToString(sig)
}

// validPayload returns a minted payload as JSON text and its disclosures.
func (f *fixture) validPayload(t *testing.T) (string, []sdjwt.Disclosure) {
	jwt, ds := f.mint(t, nil, nil)
	p, _ := b64.DecodeString(strings.Split(jwt, ".")[1])
	return string(p), ds
}

const edHeader = `{"alg":"EdDSA","typ":"dc+sd-jwt","kid":"` + issuerKID + `"}`

func withKB(mod func(kb *sdjwt.KeyBinding)) func(*testing.T, *fixture) string {
	return func(t *testing.T, f *fixture) string {
		jwt, ds := f.mint(t, nil, nil)
		kb := f.kb()
		mod(kb)
		return f.assemble(t, jwt, pick(ds, "given_name"), kb)
	}
}

func attacks() []attack {
	return []attack{
		{"alg none", func(t *testing.T, f *fixture) string {
			p, ds := f.validPayload(t)
			h := `{"alg":"none","typ":"dc+sd-jwt","kid":"` + issuerKID + `"}`
			jwt := b64.EncodeToString([]byte(h)) + "." + b64.EncodeToString([]byte(p)) + "."
			return f.assemble(t, jwt, pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonAlgNotAllowed},
		{"HS256 with the public key as secret", func(t *testing.T, f *fixture) string {
			p, ds := f.validPayload(t)
			h := `{"alg":"HS256","typ":"dc+sd-jwt","kid":"` + issuerKID + `"}`
			in := b64.EncodeToString([]byte(h)) + "." + b64.EncodeToString([]byte(p))
			mac := hmac.New(sha256.New, f.issuerKey.Public().Bytes())
			mac.Write([]byte(in))
			return f.assemble(t, in+"."+b64.EncodeToString(mac.Sum(nil)), pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonAlgNotAllowed},
		{"ES512 not in allow-list", minted(nil, nil), ""}, // placeholder replaced below
		{"issuer key in jwk header", func(t *testing.T, f *fixture) string {
			jwk, _ := f.issuerKey.Public().JWK()
			var m map[string]any
			_ = json.Unmarshal(jwk, &m)
			return minted(map[string]any{"jwk": m}, nil)(t, f)
		}, sdjwt.ReasonIssuerKeyInHeader},
		{"jku header", minted(map[string]any{"jku": "https://evil.example/jwks"}, nil), sdjwt.ReasonIssuerKeyInHeader},
		{"x5u header", minted(map[string]any{"x5u": "https://evil.example/cert"}, nil), sdjwt.ReasonIssuerKeyInHeader},
		{"x5c header", minted(map[string]any{"x5c": []string{"MIIB"}}, nil), sdjwt.ReasonIssuerKeyInHeader},
		{"crit header", minted(map[string]any{"crit": []string{"exp"}}, nil), sdjwt.ReasonHeaderUnsupported},
		{"unknown kid", minted(map[string]any{"kid": issuerDID + "#nope"}, nil), sdjwt.ReasonUnknownKid},
		{"kid not assertionMethod", minted(map[string]any{"kid": authKID}, nil), sdjwt.ReasonKidNotAssertionMethod},
		{"kid of another DID", minted(map[string]any{"kid": "did:amanah:test:other#assert-1"}, nil), sdjwt.ReasonKidMismatch},
		{"kid missing", minted(map[string]any{"kid": nil}, nil), sdjwt.ReasonKidMismatch},
		{"unknown issuer DID", minted(map[string]any{"kid": "did:amanah:test:other#k"}, func(p map[string]any, _ *[]sdjwt.Disclosure) {
			p["iss"] = "did:amanah:test:other"
		}), sdjwt.ReasonUnknownKid},
		{"wrong typ", minted(map[string]any{"typ": "JWT"}, nil), sdjwt.ReasonTypInvalid},
		{"typ missing", minted(map[string]any{"typ": nil}, nil), sdjwt.ReasonTypInvalid},
		{"tampered payload", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, nil)
			parts := strings.Split(jwt, ".")
			p, _ := b64.DecodeString(parts[1])
			p2 := strings.Replace(string(p), testVCT, testVCT+"-admin", 1)
			jwt = parts[0] + "." + b64.EncodeToString([]byte(p2)) + "." + parts[2]
			return f.assemble(t, jwt, pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonSignatureInvalid},
		{"signed by another key", func(t *testing.T, f *fixture) string {
			other, _ := keys.Generate(keys.Ed25519)
			jwt, ds := f.mint(t, nil, nil)
			parts := strings.Split(jwt, ".")
			sig, _ := other.Sign([]byte(parts[0] + "." + parts[1]))
			return f.assemble(t, parts[0]+"."+parts[1]+"."+b64.EncodeToString(sig), pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonSignatureInvalid},
		{"alg differs from key", func(t *testing.T, f *fixture) string {
			p, ds := f.validPayload(t)
			h := `{"alg":"ES256","typ":"dc+sd-jwt","kid":"` + issuerKID + `"}`
			return f.assemble(t, f.raw(t, h, p), pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonAlgKeyMismatch},
		{"tampered disclosure", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, nil)
			d := pick(ds, "given_name")[0]
			forged, _ := sdjwt.NewDisclosure(d.Salt, "given_name", "Mallory", false)
			return f.assemble(t, jwt, []sdjwt.Disclosure{forged}, f.kb())
		}, sdjwt.ReasonDisclosureUnreferenced},
		{"duplicated disclosure", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, nil)
			d := pick(ds, "given_name")
			return f.assemble(t, jwt, append(d, d...), f.kb())
		}, sdjwt.ReasonDisclosureDuplicate},
		{"duplicated disclosure among many", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, nil)
			return f.assemble(t, jwt, append(ds, ds[len(ds)-1]), f.kb())
		}, sdjwt.ReasonDisclosureDuplicate},
		{"disclosure from another credential", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, nil)
			_, other := f.mint(t, nil, nil)
			return f.assemble(t, jwt, append(pick(ds, "given_name"), pick(other, "age_over_18")...), f.kb())
		}, sdjwt.ReasonDisclosureUnreferenced},
		{"disclosed name collides with plain claim", minted(nil, func(p map[string]any, _ *[]sdjwt.Disclosure) {
			p["given_name"] = "Eve"
		}), sdjwt.ReasonDigestCollision},
		{"same digest twice in _sd", minted(nil, func(p map[string]any, ds *[]sdjwt.Disclosure) {
			p["_sd"] = append(p["_sd"].([]any), pick(*ds, "given_name")[0].Digest)
		}), sdjwt.ReasonDigestCollision},
		{"same digest twice among many", minted(nil, func(p map[string]any, ds *[]sdjwt.Disclosure) {
			sd := p["_sd"].([]any)
			for i := range 40 {
				sd = append(sd, sdjwt.DigestOf(strings.Repeat("d", i+1)))
			}
			p["_sd"] = append(sd, sdjwt.DigestOf("d"))
		}), sdjwt.ReasonDigestCollision},
		{"disclosure named _sd", func(t *testing.T, f *fixture) string {
			enc := b64.EncodeToString([]byte(`["c2FsdHNhbHRzYWx0","_sd",["x"]]`))
			jwt, _ := f.mint(t, nil, func(p map[string]any, _ *[]sdjwt.Disclosure) {
				p["_sd"] = append(p["_sd"].([]any), sdjwt.DigestOf(enc))
			})
			return f.assemble(t, jwt, []sdjwt.Disclosure{{Encoded: enc}}, f.kb())
		}, sdjwt.ReasonDisclosureInvalid},
		{"array-element disclosure in _sd", func(t *testing.T, f *fixture) string {
			d, _ := sdjwt.NewDisclosure("c2FsdHNhbHRzYWx0", "", "x", true)
			jwt, _ := f.mint(t, nil, func(p map[string]any, _ *[]sdjwt.Disclosure) {
				p["_sd"] = append(p["_sd"].([]any), d.Digest)
			})
			return f.assemble(t, jwt, []sdjwt.Disclosure{d}, f.kb())
		}, sdjwt.ReasonDisclosureInvalid},
		{"_sd_alg sha-512", minted(nil, func(p map[string]any, _ *[]sdjwt.Disclosure) { p["_sd_alg"] = "sha-512" }), sdjwt.ReasonSDAlgUnsupported},
		{"expired", minted(nil, func(p map[string]any, _ *[]sdjwt.Disclosure) { p["exp"] = t0.Add(time.Minute).Unix() }), sdjwt.ReasonExpired},
		{"not yet valid", minted(nil, func(p map[string]any, _ *[]sdjwt.Disclosure) { p["nbf"] = t0.Add(48 * time.Hour).Unix() }), sdjwt.ReasonNotYetValid},
		{"iat in the future", minted(nil, func(p map[string]any, _ *[]sdjwt.Disclosure) { p["iat"] = t0.Add(2 * time.Hour).Unix() }), sdjwt.ReasonNotYetValid},
		{"exp not a number", minted(nil, func(p map[string]any, _ *[]sdjwt.Disclosure) { p["exp"] = "tomorrow" }), sdjwt.ReasonClaimInvalid},
		{"vct missing", minted(nil, func(p map[string]any, _ *[]sdjwt.Disclosure) { delete(p, "vct") }), sdjwt.ReasonClaimInvalid},
		{"iss missing", minted(nil, func(p map[string]any, _ *[]sdjwt.Disclosure) { delete(p, "iss") }), sdjwt.ReasonIssuerInvalid},
		{"missing key binding", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, nil)
			return f.assemble(t, jwt, pick(ds, "given_name"), nil)
		}, sdjwt.ReasonKBMissing},
		{"KB but no cnf", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, func(p map[string]any, _ *[]sdjwt.Disclosure) { delete(p, "cnf") })
			return f.assemble(t, jwt, pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonKBInvalid},
		{"cnf not a key", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, func(p map[string]any, _ *[]sdjwt.Disclosure) { p["cnf"] = "holder-key" })
			return f.assemble(t, jwt, pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonCnfInvalid},
		{"KB signed by another key", withKB(func(kb *sdjwt.KeyBinding) {
			other, _ := keys.Generate(keys.Ed25519)
			kb.Signer = jws.NewKeySigner(other)
		}), sdjwt.ReasonKBSignatureInvalid},
		{"replayed nonce", withKB(func(kb *sdjwt.KeyBinding) { kb.Nonce = "previous-nonce" }), sdjwt.ReasonNonceMismatch},
		{"wrong audience", withKB(func(kb *sdjwt.KeyBinding) { kb.Audience = "did:amanah:test:shop" }), sdjwt.ReasonAudMismatch},
		{"stale KB iat", withKB(func(kb *sdjwt.KeyBinding) { kb.IssuedAt = kb.IssuedAt.Add(-time.Hour) }), sdjwt.ReasonKBStale},
		{"KB iat in the future", withKB(func(kb *sdjwt.KeyBinding) { kb.IssuedAt = kb.IssuedAt.Add(time.Hour) }), sdjwt.ReasonKBStale},
		{"sd_hash mismatch", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, nil)
			full := f.assemble(t, jwt, pick(ds, "given_name", "family_name"), f.kb())
			kbJWT := full[strings.LastIndexByte(full, '~')+1:]
			return f.assemble(t, jwt, pick(ds, "given_name"), nil) + kbJWT
		}, sdjwt.ReasonSDHashMismatch},
		{"KB typ JWT", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, nil)
			sdPart := f.assemble(t, jwt, pick(ds, "given_name"), nil)
			body, _ := json.Marshal(map[string]any{"nonce": testNonce, "aud": testAud, "iat": f.now.Unix(), "sd_hash": sdjwt.SDHash(sdPart)})
			kbJWT, _ := jws.Sign(context.Background(), jws.NewKeySigner(f.holderKey), map[string]any{"typ": "JWT"}, body)
			return sdPart + kbJWT
		}, sdjwt.ReasonKBInvalid},
		{"oversize", func(t *testing.T, f *fixture) string {
			return minted(nil, func(p map[string]any, _ *[]sdjwt.Disclosure) { p["pad"] = strings.Repeat("A", 17<<10) })(t, f)
		}, sdjwt.ReasonTooLarge},
		{"too many disclosures", func(t *testing.T, f *fixture) string {
			jwt, _ := f.mint(t, nil, nil)
			return jwt + strings.Repeat("~WyJhIiwiYiJd", 65) + "~"
		}, sdjwt.ReasonTooManyDisclosures},
		{"many-dot token", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, nil)
			return f.assemble(t, jwt+".e30.e30", pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonMalformed},
		{"invalid base64", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, nil)
			return f.assemble(t, "ey!J"+jwt[4:], pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonMalformed},
		{"padded base64 signature", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, nil)
			return f.assemble(t, jwt+"==", pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonMalformed},
		{"no separator", func(t *testing.T, f *fixture) string {
			jwt, _ := f.mint(t, nil, nil)
			return jwt
		}, sdjwt.ReasonMalformed},
		{"empty disclosure segment", func(t *testing.T, f *fixture) string {
			jwt, ds := f.mint(t, nil, nil)
			return f.assemble(t, jwt+"~", pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonMalformed},
		{"duplicate key in payload", func(t *testing.T, f *fixture) string {
			p, ds := f.validPayload(t)
			p = strings.Replace(p, `"iss":`, `"iss":"did:amanah:test:evil","iss":`, 1)
			return f.assemble(t, f.raw(t, edHeader, p), pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonDuplicateJSONKey},
		{"duplicate key in header", func(t *testing.T, f *fixture) string {
			p, ds := f.validPayload(t)
			h := `{"alg":"EdDSA","alg":"none","typ":"dc+sd-jwt","kid":"` + issuerKID + `"}`
			return f.assemble(t, f.raw(t, h, p), pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonDuplicateJSONKey},
		{"deeply nested payload", func(t *testing.T, f *fixture) string {
			p, ds := f.validPayload(t)
			p = strings.Replace(p, "{", `{"deep":`+strings.Repeat("[", 40)+strings.Repeat("]", 40)+",", 1)
			return f.assemble(t, f.raw(t, edHeader, p), pick(ds, "given_name"), f.kb())
		}, sdjwt.ReasonJSONTooDeep},
		{"deeply nested disclosure", func(t *testing.T, f *fixture) string {
			enc := b64.EncodeToString([]byte(`["c2FsdHNhbHRzYWx0","deep",` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `]`))
			jwt, _ := f.mint(t, nil, func(p map[string]any, _ *[]sdjwt.Disclosure) {
				p["_sd"] = append(p["_sd"].([]any), sdjwt.DigestOf(enc))
			})
			return f.assemble(t, jwt, []sdjwt.Disclosure{{Encoded: enc}}, f.kb())
		}, sdjwt.ReasonJSONTooDeep},
		{"disclosure not JSON", func(t *testing.T, f *fixture) string {
			jwt, _ := f.mint(t, nil, nil)
			return f.assemble(t, jwt, []sdjwt.Disclosure{{Encoded: b64.EncodeToString([]byte("salt-only"))}}, f.kb())
		}, sdjwt.ReasonDisclosureInvalid},
	}
}

func TestAttacks(t *testing.T) {
	f := newFixture(t, keys.Ed25519)
	list := attacks()
	// Replace the placeholder with an ES256-only verifier facing an EdDSA token.
	list[2] = attack{"alg outside a narrowed allow-list", func(t *testing.T, f *fixture) string { return f.present(t, f.issue(t), "given_name") }, sdjwt.ReasonAlgNotAllowed}
	count := 0
	for i, a := range list {
		t.Run(a.name, func(t *testing.T) {
			p := a.build(t, f)
			v := *f.verifier
			if i == 2 {
				v.Options.IssuerAlgorithms = []string{jws.ES256}
			}
			res, err := v.Verify(context.Background(), p, sdjwtvc.Challenge{Nonce: testNonce, Audience: testAud})
			if err == nil {
				t.Fatalf("accepted: %+v", res.Claims)
			}
			var ve *sdjwt.VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v is not a *VerifyError", err)
			}
			if ve.Reason != a.want {
				t.Fatalf("reason %q (%v), want %q", ve.Reason, err, a.want)
			}
			count++
		})
	}
	if count < 25 {
		t.Fatalf("only %d attacks", count)
	}
	// The unmodified presentation still verifies.
	if _, err := f.verify(f.present(t, f.issue(t), "given_name")); err != nil {
		t.Fatal(err)
	}
}
