package sdjwtvc_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/jsonstrict"
	"github.com/amanah-id/amanah/keys"
)

// TestPresentationLoneSurrogateRefused: a lone surrogate escape anywhere a presentation
// carries JSON (issuer JWT header and payload, disclosures) is refused by jsonstrict, never
// turned into U+FFFD; a surrogate pair in the same place verifies.
func TestPresentationLoneSurrogateRefused(t *testing.T) {
	f := newFixture(t, keys.Ed25519)
	inPayload := func(esc string) func(t *testing.T) string {
		return func(t *testing.T) string {
			p, ds := f.validPayload(t)
			p = strings.Replace(p, `"iss":`, `"note":"a`+esc+`b","iss":`, 1)
			return f.assemble(t, f.raw(t, edHeader, p), pick(ds, "given_name"), f.kb())
		}
	}
	inHeader := func(esc string) func(t *testing.T) string {
		return func(t *testing.T) string {
			p, ds := f.validPayload(t)
			h := `{"alg":"EdDSA","typ":"dc+sd-jwt","kid":"` + issuerKID + esc + `"}`
			return f.assemble(t, f.raw(t, h, p), pick(ds, "given_name"), f.kb())
		}
	}
	inDisclosure := func(disclosure string) func(t *testing.T) string {
		return func(t *testing.T) string {
			enc := b64.EncodeToString([]byte(disclosure))
			jwt, _ := f.mint(t, nil, func(p map[string]any, _ *[]sdjwt.Disclosure) {
				p["_sd"] = append(p["_sd"].([]any), sdjwt.DigestOf(enc))
			})
			return f.assemble(t, jwt, []sdjwt.Disclosure{{Encoded: enc}}, f.kb())
		}
	}
	verify := func(p string) error {
		_, err := f.verifier.Verify(context.Background(), p, sdjwtvc.Challenge{Nonce: testNonce, Audience: testAud})
		return err
	}
	for _, tc := range []struct {
		name  string
		build func(t *testing.T) string
		want  sdjwt.Reason
	}{
		{"payload high", inPayload(`\ud800`), sdjwt.ReasonMalformed},
		{"payload low", inPayload(`\udc00`), sdjwt.ReasonMalformed},
		{"payload high then BMP", inPayload(`\ud83d\u0041`), sdjwt.ReasonMalformed},
		{"header kid", inHeader(`\udbff`), sdjwt.ReasonMalformed},
		{"disclosure value", inDisclosure(`["c2FsdHNhbHRzYWx0","nickname","Siti\ud800"]`), sdjwt.ReasonDisclosureInvalid},
		{"disclosure name", inDisclosure(`["c2FsdHNhbHRzYWx0","nick\udfff","Siti"]`), sdjwt.ReasonDisclosureInvalid},
		{"array element disclosure", inDisclosure(`["c2FsdHNhbHRzYWx0","\ude00"]`), sdjwt.ReasonDisclosureInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := verify(tc.build(t))
			if sdjwt.ReasonOf(err) != tc.want || !errors.Is(err, jsonstrict.ErrLoneSurrogate) {
				t.Fatalf("got %v (reason %q), want %q wrapping jsonstrict.ErrLoneSurrogate", err, sdjwt.ReasonOf(err), tc.want)
			}
		})
	}
	// Control: the same places with a surrogate pair verify.
	for name, build := range map[string]func(t *testing.T) string{
		"payload pair":    inPayload(`\ud83d\ude00`),
		"disclosure pair": inDisclosure(`["c2FsdHNhbHRzYWx0","nickname","Siti\ud83d\ude00"]`),
	} {
		if err := verify(build(t)); err != nil {
			t.Errorf("%s refused: %v", name, err)
		}
	}
}
