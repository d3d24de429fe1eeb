package server_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

// schemaCheck returns the schema check's reason ("" when it passed) and
// fails the test when the check is absent.
func schemaCheck(t *testing.T, r *verifierpb.VerifyPresentationResponse) string {
	t.Helper()
	for _, c := range r.Checks {
		if c.Check == string(reason.CheckSchema) {
			if c.Ok != (c.Reason == "") {
				t.Fatalf("schema check %v", c)
			}
			return c.Reason
		}
	}
	t.Fatalf("no schema check in %v (reason %s)", r.Checks, r.Reason)
	return ""
}

// issueClaims issues a credential of vct whose personal claims are the
// fixture's edited by edit, and presents it disclosing paths.
func (h *harness) issueClaims(vct string, edit func(map[string]any), types []string, paths ...string) *verifierpb.VerifyPresentationResponse {
	h.t.Helper()
	claims := maps.Clone(verifiertest.Claims)
	if edit != nil {
		edit(claims)
	}
	hd, err := h.env.IssueWith(h.env.Issuer, keys.Ed25519, func(c *sdjwtvc.Credential) { c.VCT, c.Claims = vct, claims })
	if err != nil {
		h.t.Fatal(err)
	}
	ch := h.challenge(types)
	return h.verify(rp(), h.present(hd, ch.Nonce, paths...), ch.Nonce, nil)
}

func TestSchemaPass(t *testing.T) {
	h := newHarness(t, options{})
	// family_name is required by the schema but withheld: a presentation is a subset.
	r := h.issueClaims(verifiertest.VCT, nil, nil, "given_name", "age_over_18", "age_over_21", "birthdate", "nationality", "address")
	if !r.Verified || schemaCheck(t, r) != "" {
		t.Fatalf("not verified: %s %v", r.Reason, r.Checks)
	}
	// Only disclosed claims are checked: a claim outside the schema that the
	// wallet withholds does not matter.
	r = h.issueClaims(verifiertest.VCT, func(c map[string]any) { c["shoe_size"] = 38 }, nil, "given_name")
	if !r.Verified {
		t.Fatalf("undisclosed extra claim: %s %v", r.Reason, r.Checks)
	}
}

func TestSchemaFail(t *testing.T) {
	for _, c := range []struct {
		name  string
		vct   string
		edit  func(map[string]any)
		paths []string
	}{
		{"claim not in the schema", verifiertest.VCT, func(c map[string]any) { c["shoe_size"] = 38 }, []string{"given_name", "shoe_size"}},
		{"wrong type", verifiertest.VCT, func(c map[string]any) { c["given_name"] = 42 }, []string{"given_name"}},
		{"pattern", verifiertest.VCT, func(c map[string]any) { c["nationality"] = "Malaysia" }, []string{"nationality"}},
		{"nested property", verifiertest.VCT, func(c map[string]any) {
			c["address"] = map[string]any{"city": "Kuala Lumpur", "planet": "Earth"}
		}, []string{"address"}},
		{"unregistered credential type", "https://amanah.example/vct/unregistered", nil, []string{"given_name"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, options{})
			h.env.Chain.Accredit(h.env.IssuerDID, c.vct, ledgerWindow())
			h.commit()
			r := h.issueClaims(c.vct, c.edit, nil, c.paths...)
			if r.Verified || r.Reason != string(reason.SchemaInvalid) || schemaCheck(t, r) != string(reason.SchemaInvalid) {
				t.Fatalf("verified=%v reason=%s checks %v", r.Verified, r.Reason, r.Checks)
			}
			if len(r.DisclosedClaims) != 0 {
				t.Fatalf("claims returned on a refusal: %v", r.DisclosedClaims)
			}
		})
	}
}

// TestSchemaFollowsLedger: a new schema version applies from the block that
// registers it; a schema that needs a remote resource fails closed; a schema
// that cannot be read is schema_unknown.
func TestSchemaFollowsLedger(t *testing.T) {
	h := newHarness(t, options{})
	h.warm()
	strict := strings.Replace(verifiertest.Schema, `"given_name":{"type":"string","minLength":1}`, `"given_name":{"type":"integer"}`, 1)
	h.env.Chain.PutCredentialType(verifiertest.VCT, strict)
	h.commit()
	if r := h.issueClaims(verifiertest.VCT, nil, nil, "given_name"); r.Reason != string(reason.SchemaInvalid) {
		t.Fatalf("after a stricter version: %s", r.Reason)
	}
	h.env.Chain.PutCredentialType(verifiertest.VCT, `{"type":"object","properties":{"given_name":{"$ref":"https://schemas.example/name.json"}}}`)
	h.commit()
	if r := h.issueClaims(verifiertest.VCT, nil, nil, "given_name"); r.Reason != string(reason.SchemaInvalid) {
		t.Fatalf("remote $ref: %s", r.Reason)
	}
	h.env.Chain.PutCredentialType(verifiertest.VCT, verifiertest.Schema)
	h.commit()
	if r := h.issueClaims(verifiertest.VCT, nil, nil, "given_name"); !r.Verified {
		t.Fatalf("back to the first schema: %s", r.Reason)
	}

	// OtherVCT's schema was never read: with the node down it cannot be.
	hd, err := h.env.Issue(verifiertest.OtherVCT, 1, keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	ch := h.challenge([]string{verifiertest.OtherVCT})
	pres := h.present(hd, ch.Nonce, "given_name")
	h.env.Node.SetDown(true)
	r := h.verify(rp(), pres, ch.Nonce, nil)
	if r.Verified || r.Reason != string(reason.SchemaUnknown) || schemaCheck(t, r) != string(reason.SchemaUnknown) {
		t.Fatalf("schema unreadable: verified=%v reason=%s", r.Verified, r.Reason)
	}
}
