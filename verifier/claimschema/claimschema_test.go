package claimschema_test

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/amanah-id/amanah/verifier/claimschema"
)

// nationalID is a credential-type schema like the ones x/trust registers.
const nationalID = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "given_name": {"type": "string", "minLength": 1},
    "family_name": {"type": "string"},
    "birthdate": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    "nationality": {"$ref": "#/$defs/country"},
    "age_over_18": {"type": "boolean"},
    "height_cm": {"type": "integer", "minimum": 30, "maximum": 300},
    "address": {"type": "object", "properties": {"city": {"type": "string"}, "postcode": {"type": "string"}},
                "required": ["city"], "additionalProperties": false},
    "anything": true
  },
  "required": ["given_name", "family_name", "birthdate"],
  "additionalProperties": {"type": "string"},
  "$defs": {"country": {"type": "string", "pattern": "^[A-Z]{2}$"}}
}`

func claims(t *testing.T, js string) map[string]any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)
}

func TestValidate(t *testing.T) {
	s, err := claimschema.Compile(nationalID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Claims() != 8 {
		t.Fatalf("%d claims", s.Claims())
	}
	for _, c := range []struct {
		name, claims string
		ok           bool
	}{
		{"nothing disclosed", `{}`, true},
		{"one claim; required ones withheld", `{"age_over_18": true}`, true},
		{"several", `{"given_name": "Aminah", "nationality": "MY", "height_cm": 160}`, true},
		{"nested object", `{"address": {"city": "Kuala Lumpur", "postcode": "50450"}}`, true},
		{"integer written as 160.0", `{"height_cm": 160.0}`, true},
		{"true subschema", `{"anything": [1, {"x": null}]}`, true},
		{"wrong type", `{"given_name": 42}`, false},
		{"boolean as string", `{"age_over_18": "true"}`, false},
		{"null", `{"given_name": null}`, false},
		{"minLength", `{"given_name": ""}`, false},
		{"pattern", `{"birthdate": "1 April 1990"}`, false},
		{"$ref to $defs", `{"nationality": "Malaysia"}`, false},
		{"not an integer", `{"height_cm": 160.5}`, false},
		{"out of range", `{"height_cm": 1000}`, false},
		{"nested required", `{"address": {"postcode": "50450"}}`, false},
		{"nested additionalProperties", `{"address": {"city": "KL", "street": "x"}}`, false},
		{"not in properties, though additionalProperties allows it", `{"nickname": "Ami"}`, false},
		{"one good, one unknown", `{"given_name": "Aminah", "shoe_size": "38"}`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := s.Validate(claims(t, c.claims), nil)
			if (err == nil) != c.ok {
				t.Fatalf("Validate(%s) = %v, want ok %v", c.claims, err, c.ok)
			}
			if err != nil && !errors.Is(err, claimschema.ErrClaim) {
				t.Fatalf("error %v is not ErrClaim", err)
			}
		})
	}
	// skip leaves registered claims alone.
	if err := s.Validate(claims(t, `{"iss": "did:x", "given_name": "A"}`), func(n string) bool { return n == "iss" }); err != nil {
		t.Fatal(err)
	}
	// Values decoded by encoding/json (float64 numbers) work as well.
	var m map[string]any
	if err := json.Unmarshal([]byte(`{"height_cm": 170, "given_name": "A"}`), &m); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(m, nil); err != nil {
		t.Fatal(err)
	}
}

func TestCompileRefuses(t *testing.T) {
	for _, c := range []struct{ name, schema string }{
		{"not JSON", `{"type":`},
		{"not an object", `["type"]`},
		{"remote $ref", `{"type":"object","properties":{"a":{"$ref":"https://evil.example/s.json"}}}`},
		{"remote $ref http", `{"type":"object","properties":{"a":{"$ref":"http://127.0.0.1:1/s.json"}}}`},
		{"file $ref", `{"type":"object","properties":{"a":{"$ref":"file:///etc/passwd"}}}`},
		{"relative $ref", `{"type":"object","properties":{"a":{"$ref":"other.json"}}}`},
		{"remote $schema", `{"$schema":"https://evil.example/meta","type":"object","properties":{"a":{}}}`},
		{"invalid keyword value", `{"type":"object","properties":{"a":{"type":"strung"}}}`},
		{"too deep", strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 40)},
		{"too large", `{"description":"` + strings.Repeat("x", claimschema.MaxSchemaBytes) + `"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := claimschema.Compile(c.schema); !errors.Is(err, claimschema.ErrSchema) {
				t.Fatalf("Compile = %v, want ErrSchema", err)
			}
		})
	}
	// A schema without properties defines no claim: every disclosed claim fails.
	s, err := claimschema.Compile(`{"type":"object"}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ValidateClaim("given_name", "A"); !errors.Is(err, claimschema.ErrClaim) {
		t.Fatalf("claim of a schema without properties: %v", err)
	}
}

func TestCache(t *testing.T) {
	c := claimschema.NewCache(2)
	sum := sha256.Sum256([]byte(nationalID))
	a, err := c.Get("vct-a", sum, nationalID)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := c.Get("vct-a", sum, nationalID); b != a {
		t.Fatal("compiled twice")
	}
	// A new schema version (another digest) is compiled afresh.
	v2 := `{"type":"object","properties":{"given_name":{"type":"integer"}}}`
	b, err := c.Get("vct-a", sha256.Sum256([]byte(v2)), v2)
	if err != nil || b == a {
		t.Fatalf("new version: %v", err)
	}
	if b.ValidateClaim("given_name", "A") == nil {
		t.Fatal("new version not applied")
	}
	// Failures are cached as such; the cache stays bounded.
	bad := `{"properties":{"a":{"$ref":"https://evil.example/"}}}`
	for range 3 {
		if _, err := c.Get("vct-b", sha256.Sum256([]byte(bad)), bad); !errors.Is(err, claimschema.ErrSchema) {
			t.Fatalf("bad schema: %v", err)
		}
	}
	if c.Len() > 2 {
		t.Fatalf("%d cached, bound 2", c.Len())
	}
}
