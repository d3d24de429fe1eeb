package claimschema_test

import (
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/amanah-id/amanah/verifier/claimschema"
)

// FuzzValidate compiles arbitrary schemas and validates arbitrary claims
// against them: no panic, no remote load, and the same answer twice.
func FuzzValidate(f *testing.F) {
	f.Add(nationalID, `{"given_name":"Aminah","age_over_18":true}`)
	f.Add(nationalID, `{"given_name":7}`)
	f.Add(`{"type":"object","properties":{"a":{"$ref":"#/$defs/b"}},"$defs":{"b":{"type":"array","items":{"$ref":"#/$defs/b"}}}}`, `{"a":[[[]]]}`)
	f.Add(`{"type":"object","properties":{"a":{"$ref":"https://evil.example/"}}}`, `{"a":1}`)
	f.Add(`{"properties":{"a":{"pattern":"^(a+)+$"}}}`, `{"a":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}`)
	f.Fuzz(func(t *testing.T, schema, claims string) {
		s, err := claimschema.Compile(schema)
		if err != nil {
			return
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(claims))
		if err != nil {
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		first := s.Validate(m, nil)
		for name, val := range m {
			if err := s.ValidateClaim(name, val); (err == nil) != (s.ValidateClaim(name, val) == nil) {
				t.Fatalf("claim %q: answers differ", name)
			}
		}
		if len(m) == 1 && (first == nil) != (s.Validate(m, nil) == nil) {
			t.Fatal("Validate answers differ")
		}
	})
}
