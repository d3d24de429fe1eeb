package dcql

import (
	"strings"
	"testing"
)

const good = `{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["urn:vct:id"]},
 "claims":[{"id":"a","path":["given_name"]},{"id":"b","path":["address","locality"]},{"id":"c","path":["age_over_18"],"values":[true]}],
 "claim_sets":[["a","c"],["b"]]},
 {"id":"dl","format":"dc+sd-jwt","meta":{"vct_values":["urn:vct:dl"]}}],
 "credential_sets":[{"options":[["pid"]]},{"options":[["dl"]],"required":false}]}`

func TestParseMalformed(t *testing.T) {
	for name, tc := range map[string]struct {
		q    string
		code Code
	}{
		"not json":             {`{`, CodeInvalid},
		"array":                {`[]`, CodeInvalid},
		"duplicate member":     {`{"credentials":[],"credentials":[]}`, CodeInvalid},
		"no credentials":       {`{"credentials":[]}`, CodeInvalid},
		"bad id":               {`{"credentials":[{"id":"a b","format":"dc+sd-jwt","meta":{"vct_values":["v"]}}]}`, CodeInvalid},
		"duplicate id":         {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]}},{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]}}]}`, CodeInvalid},
		"no format":            {`{"credentials":[{"id":"a","meta":{"vct_values":["v"]}}]}`, CodeInvalid},
		"mso_mdoc":             {`{"credentials":[{"id":"a","format":"mso_mdoc","meta":{"doctype_value":"x"}}]}`, CodeUnsupported},
		"no vct_values":        {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{}}]}`, CodeInvalid},
		"empty vct":            {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":[""]}}]}`, CodeInvalid},
		"empty claims":         {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"claims":[]}]}`, CodeInvalid},
		"empty path":           {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"claims":[{"path":[]}]}]}`, CodeInvalid},
		"negative index":       {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"claims":[{"path":["x",-1]}]}]}`, CodeInvalid},
		"float index":          {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"claims":[{"path":["x",1.5]}]}]}`, CodeInvalid},
		"object in path":       {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"claims":[{"path":[{}]}]}]}`, CodeInvalid},
		"claim_sets no ids":    {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"claims":[{"path":["x"]}],"claim_sets":[["x"]]}]}`, CodeInvalid},
		"claim_sets unknown":   {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"claims":[{"id":"x","path":["x"]}],"claim_sets":[["y"]]}]}`, CodeInvalid},
		"claim_sets no claims": {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"claim_sets":[["y"]]}]}`, CodeInvalid},
		"values object":        {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"claims":[{"path":["x"],"values":[{}]}]}]}`, CodeInvalid},
		"set unknown id":       {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]}}],"credential_sets":[{"options":[["b"]]}]}`, CodeInvalid},
		"set empty options":    {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]}}],"credential_sets":[{"options":[]}]}`, CodeInvalid},
		"trusted_authorities":  {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"trusted_authorities":[{"type":"aki","values":["x"]}]}]}`, CodeUnsupported},
		"no holder binding":    {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"require_cryptographic_holder_binding":false}]}`, CodeUnsupported},
		"too large":            {`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["` + strings.Repeat("v", MaxQueryBytes) + `"]}}]}`, CodeTooLarge},
		"wrong type":           {`{"credentials":"a"}`, CodeInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.q))
			if CodeOf(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}

func TestMatchAndSets(t *testing.T) {
	q, err := Parse([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	pid := q.Credential("pid")
	full := Credential{VCT: "urn:vct:id", Claims: map[string]any{"given_name": "A", "age_over_18": true, "address": map[string]any{"locality": "KL"}}}
	claims, ok := pid.Match(full)
	if !ok || len(claims) != 2 || claims[0].ID != "a" || claims[1].ID != "c" {
		t.Fatalf("first claim set: %v %v", claims, ok)
	}
	minor := Credential{VCT: "urn:vct:id", Claims: map[string]any{"given_name": "A", "age_over_18": false, "address": map[string]any{"locality": "KL"}}}
	if claims, ok := pid.Match(minor); !ok || len(claims) != 1 || claims[0].ID != "b" {
		t.Fatalf("second claim set (values refuse false): %v %v", claims, ok)
	}
	if _, ok := pid.Match(Credential{VCT: "urn:vct:other", Claims: full.Claims}); ok {
		t.Fatal("another vct matched")
	}
	if _, ok := pid.Match(Credential{VCT: "urn:vct:id", Claims: map[string]any{"given_name": "A"}}); ok {
		t.Fatal("no claim set met, matched")
	}
	if !q.Satisfied(map[string]bool{"pid": true}) || q.Satisfied(map[string]bool{"dl": true}) {
		t.Fatal("credential_sets: pid required, dl optional")
	}
	ids, err := q.Wanted(map[string]bool{"pid": true})
	if err != nil || len(ids) != 1 || ids[0] != "pid" {
		t.Fatalf("wanted %v %v", ids, err)
	}
	if _, err := q.Wanted(map[string]bool{"dl": true}); CodeOf(err) != CodeUnmet {
		t.Fatalf("wanted without pid: %v", err)
	}
	// Array paths: null selects every element, an index one.
	q2, err := Parse([]byte(`{"credentials":[{"id":"n","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"claims":[{"path":["nationalities",null],"values":["MY"]},{"path":["nationalities",0]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := q2.Credentials[0].Match(Credential{VCT: "v", Claims: map[string]any{"nationalities": []any{"SG", "MY"}}}); !ok {
		t.Fatal("array path")
	}
	if _, ok := q2.Credentials[0].Match(Credential{VCT: "v", Claims: map[string]any{"nationalities": []any{"SG"}}}); ok {
		t.Fatal("array values")
	}
	if n, ok := q2.Credentials[0].Claims[0].Path.Names(); ok {
		t.Fatalf("a null path has no dotted name: %q", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte(`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"claims":[{"path":["x",null,0]}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := Parse(b)
		if err != nil {
			if CodeOf(err) == "" {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		for i := range q.Credentials {
			q.Credentials[i].Match(Credential{VCT: "v", Claims: map[string]any{"x": []any{map[string]any{"y": 1.0}}}})
		}
		if _, err := q.Wanted(map[string]bool{}); err != nil && CodeOf(err) != CodeUnmet {
			t.Fatal(err)
		}
	})
}
