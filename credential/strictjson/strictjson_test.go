package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeValid(t *testing.T) {
	cases := []string{
		`{}`, `[]`, `{"a":1}`, ` {"a" : [1, 2.5, -0, 1e3, 1E-2, true, false, null, "x"]} `,
		`{"\u00e9":"\ud83d\ude00","e":"a\"b\\c\/d\b\f\n\r\t"}`, `"plain"`, `-12.5e+7`,
		`{"n":{"m":{"o":[[[]]]}}}`, `{"日本":"語"}`,
	}
	for _, c := range cases {
		got, err := Unmarshal([]byte(c))
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		dec := json.NewDecoder(strings.NewReader(c))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got %#v want %#v", c, got, want)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	deep := strings.Repeat("[", 33) + strings.Repeat("]", 33)
	okDeep := strings.Repeat("[", 32) + strings.Repeat("]", 32)
	if _, err := Unmarshal([]byte(okDeep)); err != nil {
		t.Fatalf("depth 32 rejected: %v", err)
	}
	cases := []struct {
		in   string
		want error
	}{
		{`{"a":1,"a":2}`, ErrDuplicateKey},
		{`{"a":{"b":1,"b":1}}`, ErrDuplicateKey},
		{`{"\u0061":1,"a":2}`, ErrDuplicateKey},
		{deep, ErrTooDeep},
		{"\"\xff\"", ErrInvalidUTF8},
		{`"\ud800"`, ErrInvalidUTF8},
		{`"\udc00\udc00"`, ErrInvalidUTF8},
		{`"\ud800\u0041"`, ErrInvalidUTF8},
		{``, ErrSyntax}, {`{`, ErrSyntax}, {`{"a"}`, ErrSyntax}, {`{"a":1,}`, ErrSyntax},
		{`[1,]`, ErrSyntax}, {`01`, ErrSyntax}, {`1.`, ErrSyntax}, {`.5`, ErrSyntax},
		{`1e`, ErrSyntax}, {`+1`, ErrSyntax}, {`tru`, ErrSyntax}, {`{} {}`, ErrSyntax},
		{"\"a\x01\"", ErrSyntax}, {`"\x"`, ErrSyntax}, {`"\u12g4"`, ErrSyntax}, {`{1:2}`, ErrSyntax},
		{`NaN`, ErrSyntax}, {`"abc`, ErrSyntax}, {`"a\`, ErrSyntax},
	}
	for _, c := range cases {
		_, err := Unmarshal([]byte(c.in))
		if !errors.Is(err, c.want) {
			t.Errorf("%q: got %v want %v", c.in, err, c.want)
		}
	}
	if _, err := UnmarshalObject([]byte(`[1]`)); !errors.Is(err, ErrNotObject) {
		t.Errorf("array as object: %v", err)
	}
}

// FuzzStrictJSON checks the decoder against encoding/json: whatever it accepts,
// encoding/json accepts with the same value; whatever encoding/json accepts and it
// rejects must be a duplicate key, excess depth or invalid UTF-8.
func FuzzStrictJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `{"a":1,"a":2}`, `"\ud83d\ude00"`, `[[[[]]]]`, `-0.5e-3`, `{"_sd":["x"],"...":"y"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode(data, 8)
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		stdErr := dec.Decode(&want)
		if stdErr == nil && dec.More() {
			stdErr = errors.New("trailing")
		}
		if stdErr == nil {
			// encoding/json ignores trailing whitespace only; check the rest is empty.
			rest := data[dec.InputOffset():]
			if len(bytes.TrimLeft(rest, " \t\r\n")) != 0 {
				stdErr = errors.New("trailing")
			}
		}
		if err == nil {
			if stdErr != nil {
				t.Fatalf("accepted what encoding/json rejects: %q (%v)", data, stdErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("value mismatch for %q: %#v vs %#v", data, got, want)
			}
			return
		}
		if stdErr == nil && !errors.Is(err, ErrDuplicateKey) && !errors.Is(err, ErrTooDeep) && !errors.Is(err, ErrInvalidUTF8) {
			t.Fatalf("rejected valid JSON %q: %v", data, err)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	in := []byte(`{"_sd":["C9inp6YoRaEXR427zYJP7Qrk1WH_8bdwOA_YUrUnGQU","Kuet1yAa0HIQvYnOVd59hcViO9Ug6J2kSfqYRBeowvE","MMldOFFzB2d0umlmpTIaGerhWdU_PpYfLvKhh_f_9aY"],"iss":"did:amanah:test:abc","iat":1683000000,"exp":1883000000,"vct":"urn:amanah:pid:1","cnf":{"jwk":{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}},"_sd_alg":"sha-256"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unmarshal(in); err != nil {
			b.Fatal(err)
		}
	}
}
