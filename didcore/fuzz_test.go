package didcore

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzParseDIDURL checks that parsing never panics, errors wrap the sentinel,
// and accepted DID URLs re-encode to themselves modulo empty '?' / '#'.
func FuzzParseDIDURL(f *testing.F) {
	f.Add("did:example:123?service=agent&relativeRef=/credentials#degree")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseDIDURL(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidDIDURL) {
				t.Fatalf("error does not wrap ErrInvalidDIDURL: %v", err)
			}
			return
		}
		out := u.String()
		if !strings.HasPrefix(s, "did:"+u.Method+":"+u.ID+u.Path) || len(out) > len(s) {
			t.Fatalf("%q re-encodes as %q", s, out)
		}
		u2, err := ParseDIDURL(out)
		if err != nil || u2 != u {
			t.Fatalf("re-parse of %q: %+v %v", out, u2, err)
		}
		if u.IsDID() {
			if d, err := ParseDID(out); err != nil || d != u.DID() {
				t.Fatalf("ParseDID(%q): %v", out, err)
			}
		}
	})
}

// FuzzDocument checks that decoding never panics, errors wrap a sentinel,
// marshalling is a fixed point, and Validate never panics on decoded input.
func FuzzDocument(f *testing.F) {
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/did/v1","id":"did:example:123","verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:example:123","publicKeyMultibase":"z6MktZw8HgaRUoG8S9asnmDKQL458uEhuuNT9U2UK5cT6Tmh"}],"authentication":["#k"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) (*Document, error){ParseDocument, ParseDocumentLenient} {
			d, err := parse(b)
			if err != nil {
				if !errors.Is(err, ErrInvalidJSON) && !errors.Is(err, ErrUnknownMember) && !errors.Is(err, ErrTooLarge) {
					t.Fatalf("error wraps no sentinel: %v", err)
				}
				continue
			}
			m1, err := json.Marshal(d)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			d2, err := parse(m1)
			if err != nil {
				t.Fatalf("re-parse of %s: %v", m1, err)
			}
			m2, _ := json.Marshal(d2)
			if !bytes.Equal(m1, m2) {
				t.Fatalf("not a fixed point:\n%s\n%s", m1, m2)
			}
			errV := d.Validate(DefaultLimits())
			errC := d.ValidateCore(DefaultLimits())
			if errV == nil && errC != nil {
				t.Fatalf("ledger-valid but not core-valid: %v", errC)
			}
			if errV == nil {
				for _, rel := range Relationships {
					for _, vm := range d.MethodsFor(rel) {
						if _, err := vm.PublicKey(); err != nil && rel != KeyAgreement {
							t.Fatalf("valid document with undecodable %s key: %v", rel, err)
						}
					}
				}
			}
		}
	})
}
