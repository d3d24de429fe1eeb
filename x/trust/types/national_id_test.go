package types_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/amanah-id/amanah/x/trust/types"
)

// TestNationalIDSchema: the committed national id schema (registered by the demo and by
// docs/trust-registry.md's walkthrough) is a valid credential-type schema whose claims are
// NationalIDClaims, and it accepts the claims an issuer puts in a national id credential
// (nationality, document_number and an address object included), refusing wrong shapes.
func TestNationalIDSchema(t *testing.T) {
	claims, err := types.ValidateSchema(types.NationalIDSchema)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(types.NationalIDClaims)
	slices.Sort(want)
	if !slices.Equal(claims, want) {
		t.Fatalf("schema claims %v, NationalIDClaims %v", claims, want)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(types.NationalIDSchema)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("national-id.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("national-id.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, claims string
		ok           bool
	}{
		{"full credential", `{"given_name":"Siti","family_name":"Aminah","birthdate":"2006-08-17","nationality":"MY",
			"document_number":"900817-14-5566","address":{"street_address":"12 Jalan Ampang","locality":"Kuala Lumpur","country":"MY"},
			"age_over_18":true,"age_over_21":false}`, true},
		{"partial address", `{"given_name":"Siti","family_name":"Aminah","birthdate":"2006-08-17","address":{"locality":"Kuala Lumpur"}}`, true},
		{"nationality not a country code", `{"given_name":"S","family_name":"A","birthdate":"2006-08-17","nationality":"Malaysian"}`, false},
		{"address not an object", `{"given_name":"S","family_name":"A","birthdate":"2006-08-17","address":"12 Jalan Ampang"}`, false},
		{"unknown address member", `{"given_name":"S","family_name":"A","birthdate":"2006-08-17","address":{"planet":"Earth"}}`, false},
		{"document number not a string", `{"given_name":"S","family_name":"A","birthdate":"2006-08-17","document_number":900817}`, false},
	} {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(tc.claims)))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); (err == nil) != tc.ok {
			t.Errorf("%s: valid=%v, want %v (%v)", tc.name, err == nil, tc.ok, err)
		}
	}
}
