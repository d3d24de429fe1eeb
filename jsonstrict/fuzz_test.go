package jsonstrict

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
)

// fuzzLimits keeps the depth low so that the fuzzer reaches the limit.
var fuzzLimits = Limits{MaxDepth: 8}

// FuzzDecode checks Decode against encoding/json (whatever it accepts, encoding/json accepts
// with the same value; whatever encoding/json accepts and it refuses is a duplicate name,
// excess depth, invalid UTF-8 or a lone surrogate), that every reader accepts the same
// inputs, and that Members and Elements split as encoding/json's token reader does.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `{"a":1,"a":2}`, `"\ud83d\ude00"`, `[[[[]]]]`, `-0.5e-3`,
		`{"_sd":["x"],"...":"y"}`, `{"a":1,"b":[1,{"c":"\""}], "d" : null ,"e":"x\\y"}`, `[ 1 , "a" ,{}]`, ` {"<&>":"é"} `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode(data, fuzzLimits)
		want, stdErr := stdDecodeAll(data)
		if err == nil {
			if stdErr != nil {
				t.Fatalf("accepted what encoding/json refuses: %q (%v)", data, stdErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("value mismatch for %q: %#v vs %#v", data, got, want)
			}
		} else if stdErr == nil && !errors.Is(err, ErrDuplicateMember) && !errors.Is(err, ErrTooDeep) && !errors.Is(err, ErrInvalidUTF8) {
			t.Fatalf("refused valid JSON %q: %v", data, err)
		}
		for _, r := range readers {
			if rerr := r.read(data, fuzzLimits); (rerr == nil) != (err == nil) {
				t.Fatalf("%s and Decode disagree on %q: %v / %v", r.name, data, rerr, err)
			}
		}
		if err != nil {
			return
		}
		switch v := got.(type) {
		case map[string]any:
			ms, err := Members(data, fuzzLimits)
			if err != nil {
				t.Fatal(err)
			}
			names := tokenNames(t, data)
			if len(ms) != len(names) || len(ms) != len(v) {
				t.Fatalf("Members(%q): %d members, tokens %d, map %d", data, len(ms), len(names), len(v))
			}
			for i, m := range ms {
				mv, err := Decode(m.Value, fuzzLimits)
				if m.Name != names[i] || err != nil || !reflect.DeepEqual(mv, v[m.Name]) {
					t.Fatalf("Members(%q)[%d] = %q %q (%v), want %q", data, i, m.Name, m.Value, err, names[i])
				}
			}
		case []any:
			els, err := Elements(data, fuzzLimits)
			if err != nil || len(els) != len(v) {
				t.Fatalf("Elements(%q): %d, %v; want %d", data, len(els), err, len(v))
			}
			for i, e := range els {
				if ev, err := Decode(e, fuzzLimits); err != nil || !reflect.DeepEqual(ev, v[i]) {
					t.Fatalf("Elements(%q)[%d] = %q", data, i, e)
				}
			}
		case string:
			if s, err := String(data, fuzzLimits); err != nil || s != v {
				t.Fatalf("String(%q) = %q, %v; want %q", data, s, err, v)
			}
		}
	})
}

// FuzzCanonical checks that Canonical equals json.Marshal of the decoded value, is a fixed
// point, and accepts exactly what Decode accepts; and that AppendString escapes any string
// exactly as json.Marshal does.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":{"d":[],"c":"<&>"}}`, `"\u2028\u0000é"`, `[1.50,-0,1E3]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := AppendString(nil, string(data)), marshal(t, string(data)); !bytes.Equal(got, want) {
			t.Fatalf("AppendString(%q) = %s, want %s", data, got, want)
		}
		c, err := Canonical(data, fuzzLimits)
		v, derr := Decode(data, fuzzLimits)
		if (err == nil) != (derr == nil) {
			t.Fatalf("Canonical and Decode disagree on %q: %v / %v", data, err, derr)
		}
		if err != nil {
			return
		}
		if want := marshal(t, v); !bytes.Equal(c, want) {
			t.Fatalf("Canonical(%q) = %s, json.Marshal of the value %s", data, c, want)
		}
		c2, err := Canonical(c, fuzzLimits)
		if err != nil || !bytes.Equal(c, c2) {
			t.Fatalf("Canonical not a fixed point: %s -> %s (%v)", c, c2, err)
		}
	})
}

func marshal(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// stdDecodeAll decodes one value with encoding/json, refusing trailing data.
func stdDecodeAll(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

// tokenNames lists the top-level member names of an object with encoding/json's tokens.
func tokenNames(t *testing.T, data []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var out []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
