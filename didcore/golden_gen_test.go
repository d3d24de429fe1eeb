//go:build goldengen

// This file generated the canonical-bytes golden files from the strict-JSON readers that
// jsonstrict replaced (didcore.canonicalJSON, ParseDocument/MarshalJSON, keys.ParsePublicJWK)
// before they were changed:
//
//	go test -tags goldengen ./didcore -run TestGenerateOldGolden
//
// It is kept in history only; the readers it calls no longer exist.
package didcore

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/keys"
)

type goldenInput struct {
	source string
	in     []byte
}

// corpusValue reads the single []byte or string value of a Go fuzz corpus file.
func corpusValue(t *testing.T, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || lines[0] != "go test fuzz v1" {
		t.Fatalf("%s: not a one-value corpus file", path)
	}
	v := lines[1]
	for _, p := range []string{"[]byte(", "string("} {
		if rest, ok := strings.CutPrefix(v, p); ok {
			s, err := strconv.Unquote(strings.TrimSuffix(rest, ")"))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return []byte(s)
		}
	}
	t.Fatalf("%s: unknown value %q", path, v)
	return nil
}

// subValues returns b and, if b is an object or array encoding/json can read, every nested value.
func subValues(b []byte) [][]byte {
	out := [][]byte{b}
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return out
	}
	switch t[0] {
	case '{':
		var m map[string]json.RawMessage
		if json.Unmarshal(t, &m) == nil {
			names := make([]string, 0, len(m))
			for n := range m {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				out = append(out, subValues(m[n])...)
			}
		}
	case '[':
		var a []json.RawMessage
		if json.Unmarshal(t, &a) == nil {
			for _, e := range a {
				out = append(out, subValues(e)...)
			}
		}
	}
	return out
}

// compactJSON returns the JSON pieces of an SD-JWT / JWS compact string: every base64url
// segment between '~' and '.' that decodes.
func compactJSON(s string) [][]byte {
	var out [][]byte
	for _, part := range strings.Split(s, "~") {
		for _, seg := range strings.Split(part, ".") {
			if b, err := base64.RawURLEncoding.DecodeString(seg); err == nil && len(b) > 0 && (b[0] == '{' || b[0] == '[') {
				out = append(out, b)
			}
		}
	}
	return out
}

func goldenInputs(t *testing.T) []goldenInput {
	var in []goldenInput
	add := func(source string, b []byte) {
		for i, v := range subValues(b) {
			s := source
			if i > 0 {
				s += "#" + strconv.Itoa(i)
			}
			in = append(in, goldenInput{s, v})
		}
	}
	glob := func(pattern string) []string {
		m, err := filepath.Glob(pattern)
		if err != nil || len(m) == 0 {
			t.Fatalf("%s: %v (%d files)", pattern, err, len(m))
		}
		return m
	}
	// JSON files: the DID Core vectors and the credential vectors.
	for _, p := range append(glob("testdata/vectors/*.json"), glob("../credential/testdata/vectors/sdjwt/*.json")...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p, "credential") {
			add(p, b)
		} else { // only the JWT pieces of the presentations inside the credential vectors
			var walk func(v any)
			walk = func(v any) {
				switch x := v.(type) {
				case string:
					for i, j := range compactJSON(x) {
						add(strings.TrimPrefix(p, "../")+"!jwt"+strconv.Itoa(i), j)
					}
				case map[string]any:
					for _, e := range x {
						walk(e)
					}
				case []any:
					for _, e := range x {
						walk(e)
					}
				}
			}
			var v any
			if json.Unmarshal(b, &v) == nil {
				walk(v)
			}
		}
	}
	// Fuzz seed corpora of didcore, keys and credential, and the new jsonstrict seeds.
	for _, dir := range []string{
		"testdata/fuzz/FuzzDocument", "../keys/testdata/fuzz/FuzzParsePublicJWK",
		"../credential/strictjson/testdata/fuzz/FuzzStrictJSON", "../jsonstrict/testdata/fuzz/FuzzCanonical",
	} {
		for _, p := range glob(dir + "/*") {
			add(strings.TrimPrefix(p, "../"), corpusValue(t, p))
		}
	}
	for _, dir := range []string{
		"../credential/sdjwt/testdata/fuzz/FuzzParse", "../credential/sdjwt/testdata/fuzz/FuzzVerify",
		"../credential/jws/testdata/fuzz/FuzzParseCompact",
	} {
		for _, p := range glob(dir + "/*") {
			for i, j := range compactJSON(string(corpusValue(t, p))) {
				add(strings.TrimPrefix(p, "../")+"!jwt"+strconv.Itoa(i), j)
			}
		}
	}
	// Seeds added inline by f.Add in the fuzz targets.
	inline := []string{
		// didcore FuzzJSONSplit
		`{"a":1,"b":[1,{"c":"\""}], "d" : null ,"e":"x\\y"}`, `{}`, `[]`, `[ 1 , "a" ,{}]`,
		`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, ` {"<&>":"é"} `, `{"a":1}{}`, `"abc"`, `{"a":-1.5e3,"b":true}`,
		// didcore FuzzDocument
		`{"@context":"https://www.w3.org/ns/did/v1","id":"did:example:123","verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:example:123","publicKeyMultibase":"z6MktZw8HgaRUoG8S9asnmDKQL458uEhuuNT9U2UK5cT6Tmh"}],"authentication":["#k"]}`,
		// keys FuzzParsePublicJWK
		`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`,
		// credential/strictjson FuzzStrictJSON
		`{"a":[1,2,{"b":null}]}`, `"\ud83d\ude00"`, `[[[[]]]]`, `-0.5e-3`, `{"_sd":["x"],"...":"y"}`,
	}
	for i, s := range inline {
		add("inline/"+strconv.Itoa(i), []byte(s))
	}
	// The ledger-profile sample document of the didcore tests.
	add("didcore/sampleJSON", sampleJSON(t))
	// Deduplicate by input bytes, keeping the first source.
	seen := map[string]bool{}
	out := in[:0]
	for _, g := range in {
		if !seen[string(g.in)] {
			seen[string(g.in)] = true
			out = append(out, g)
		}
	}
	return out
}

type goldenLine map[string]any

func writeGolden(t *testing.T, path string, lines []goldenLine) {
	var buf bytes.Buffer
	for _, l := range lines {
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func result(out []byte, err error) goldenLine {
	if err != nil {
		return goldenLine{"err": err.Error()}
	}
	return goldenLine{"out": base64.StdEncoding.EncodeToString(out)}
}

func TestGenerateOldGolden(t *testing.T) {
	inputs := goldenInputs(t)
	var canon, docs, jwks []goldenLine
	for _, g := range inputs {
		in := base64.StdEncoding.EncodeToString(g.in)

		l := result(canonicalJSON(g.in))
		l["source"], l["in"] = g.source, in
		canon = append(canon, l)

		if t := bytes.TrimSpace(g.in); len(t) == 0 || t[0] != '{' {
			continue // documents and JWKs are objects; the canonical golden covers the rest
		}
		d := goldenLine{"source": g.source, "in": in}
		for _, p := range []struct {
			name  string
			parse func([]byte) (*Document, error)
		}{{"strict", ParseDocument}, {"lenient", ParseDocumentLenient}} {
			doc, err := p.parse(g.in)
			if err != nil {
				d[p.name] = goldenLine{"err": err.Error()}
				continue
			}
			r := result(doc.MarshalJSON())
			if m, err := json.Marshal(doc); err != nil || !bytes.Equal(m, mustOut(doc)) {
				t.Fatalf("%s: json.Marshal differs from MarshalJSON", g.source)
			}
			r["validate"] = errText(doc.Validate(DefaultLimits()))
			r["validateCore"] = errText(doc.ValidateCore(DefaultLimits()))
			d[p.name] = r
		}
		docs = append(docs, d)

		k := goldenLine{"source": g.source, "in": in}
		if pub, err := keys.ParsePublicJWK(g.in); err != nil {
			k["public"] = goldenLine{"err": err.Error()}
		} else {
			j, _ := pub.JWK()
			k["public"] = goldenLine{"out": base64.StdEncoding.EncodeToString(j)}
		}
		if priv, err := keys.ParsePrivateJWK(g.in); err != nil {
			k["private"] = goldenLine{"err": err.Error()}
		} else {
			j, _ := priv.JWK()
			k["private"] = goldenLine{"out": base64.StdEncoding.EncodeToString(j)}
		}
		jwks = append(jwks, k)
	}
	writeGolden(t, "../jsonstrict/testdata/canonical-golden.jsonl", canon)
	writeGolden(t, "testdata/golden/document-golden.jsonl", docs)
	writeGolden(t, "../keys/testdata/golden/jwk-golden.jsonl", jwks)
	t.Logf("%d inputs", len(inputs))
}

func mustOut(d *Document) []byte {
	b, _ := d.MarshalJSON()
	return b
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
