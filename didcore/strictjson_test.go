package didcore

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzJSONSplit checks the direct object/array split and the plain-string fast paths against
// the token decoder and encoding/json: the same members, elements, strings and escapes.
func FuzzJSONSplit(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[1,{"c":"\""}], "d" : null ,"e":"x\\y"}`, `{}`, `[]`, `[ 1 , "a" ,{}]`,
		`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, ` {"<&>":"é"} `, `{"a":1}{}`, `"abc"`, `{"a":-1.5e3,"b":true}`} {
		f.Add([]byte(s))
	}
	if files, _ := filepath.Glob("testdata/vectors/*.json"); len(files) > 0 {
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := jsonObject(b)
		want, werr := jsonObjectTokens(b)
		if (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) || (err == nil && !reflect.DeepEqual(got, want)) {
			t.Fatalf("jsonObject(%q) = %q, %v; tokens: %q, %v", b, got, err, want, werr)
		}
		if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
			arr, err := jsonArray(b)
			var ref []json.RawMessage
			rerr := json.Unmarshal(t, &ref)
			if (err == nil) != (rerr == nil) || (err == nil && !reflect.DeepEqual(arr, ref)) {
				panic("jsonArray differs from encoding/json")
			}
		}
		var ref string
		s, err := jsonString(b)
		if rerr := json.Unmarshal(bytes.TrimSpace(b), &ref); (err == nil) != (rerr == nil && len(bytes.TrimSpace(b)) > 0 && bytes.TrimSpace(b)[0] == '"') || (err == nil && s != ref) {
			t.Fatalf("jsonString(%q) = %q, %v; encoding/json %q, %v", b, s, err, ref, rerr)
		}
		var buf bytes.Buffer
		writeString(&buf, string(b))
		m, _ := json.Marshal(string(b))
		if !bytes.Equal(buf.Bytes(), m) {
			t.Fatalf("writeString(%q) = %s, want %s", b, buf.Bytes(), m)
		}
	})
}
