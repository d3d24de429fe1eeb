package jsonstrict

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// readers runs every reader of the package on one input; all must agree on acceptance.
var readers = []struct {
	name string
	read func([]byte, Limits) error
}{
	{"Decode", func(b []byte, l Limits) error { _, err := Decode(b, l); return err }},
	{"Canonical", func(b []byte, l Limits) error { _, err := Canonical(b, l); return err }},
	{"Members", func(b []byte, l Limits) error { _, err := Members(b, l); return ignoreType(err, ErrNotObject) }},
	{"Elements", func(b []byte, l Limits) error { _, err := Elements(b, l); return ignoreType(err, ErrNotArray) }},
	{"String", func(b []byte, l Limits) error { _, err := String(b, l); return ignoreType(err, ErrNotString) }},
}

// ignoreType drops the "valid, but of another type" error of a typed reader.
func ignoreType(err, notType error) error {
	if errors.Is(err, notType) {
		return nil
	}
	return err
}

func TestMalformed(t *testing.T) {
	nest := func(n int, inner string) string { return strings.Repeat("[", n) + inner + strings.Repeat("]", n) }
	cases := []struct {
		name string
		in   string
		lim  Limits
		want error
	}{
		{"duplicate member", `{"a":1,"a":2}`, Limits{}, ErrDuplicateMember},
		{"duplicate member nested", `{"a":{"b":1,"b":1}}`, Limits{}, ErrDuplicateMember},
		{"duplicate member in array", `[{"b":1},{"b":1,"c":2,"b":3}]`, Limits{}, ErrDuplicateMember},
		{"duplicate member escaped", `{"\u0061":1,"a":2}`, Limits{}, ErrDuplicateMember},
		{"duplicate member escaped slash", `{"/":1,"\/":2}`, Limits{}, ErrDuplicateMember},
		{"duplicate member past 16", `{"a0":0,"a1":1,"a2":2,"a3":3,"a4":4,"a5":5,"a6":6,"a7":7,"a8":8,"a9":9,"b0":0,"b1":1,"b2":2,"b3":3,"b4":4,"b5":5,"b6":6,"b7":7,"a3":3}`, Limits{}, ErrDuplicateMember},
		{"bad UTF-8 byte", "\"\xff\"", Limits{}, ErrInvalidUTF8},
		{"bad UTF-8 in name", "{\"\xc3\x28\":1}", Limits{}, ErrInvalidUTF8},
		{"bad UTF-8 truncated", "\"\xe2\x82\"", Limits{}, ErrInvalidUTF8},
		{"bad UTF-8 overlong", "\"\xc0\xaf\"", Limits{}, ErrInvalidUTF8},
		{"bad UTF-8 encoded surrogate", "\"\xed\xa0\x80\"", Limits{}, ErrInvalidUTF8},
		{"bad UTF-8 above U+10FFFF", "\"\xf4\x90\x80\x80\"", Limits{}, ErrInvalidUTF8},
		{"lone surrogate high", `"\ud800"`, Limits{}, ErrLoneSurrogate},
		{"lone surrogate high at end of string", `"x\udbff"`, Limits{}, ErrLoneSurrogate},
		{"lone surrogate high then BMP escape", `"\ud800\u0041"`, Limits{}, ErrLoneSurrogate},
		{"lone surrogate high then high", `"\ud800\ud800"`, Limits{}, ErrLoneSurrogate},
		{"lone surrogate high then text", `"\ud83dx"`, Limits{}, ErrLoneSurrogate},
		{"lone surrogate low", `"\udc00"`, Limits{}, ErrLoneSurrogate},
		{"lone surrogate low pair reversed", `"\ude00\ud83d"`, Limits{}, ErrLoneSurrogate},
		{"lone surrogate in name", `{"\udfff":1}`, Limits{}, ErrLoneSurrogate},
		{"lone surrogate nested", `{"a":["ok","\uD800"]}`, Limits{}, ErrLoneSurrogate},
		{"trailing data value", `{} {}`, Limits{}, ErrTrailingData},
		{"trailing data garbage", `{"a":1}x`, Limits{}, ErrTrailingData},
		{"trailing data NUL", "\"a\"\x00", Limits{}, ErrTrailingData},
		{"trailing data comma", `[1],`, Limits{}, ErrTrailingData},
		{"depth 33 scalar", nest(33, "1"), Limits{}, ErrTooDeep},
		{"depth 34 empty", nest(34, ""), Limits{}, ErrTooDeep},
		{"depth objects", strings.Repeat(`{"a":`, 33) + "1" + strings.Repeat("}", 33), Limits{}, ErrTooDeep},
		{"depth limit 4", `{"a":{"b":{"c":{"d":[1]}}}}`, Limits{MaxDepth: 4}, ErrTooDeep},
		{"too large", `{"a":"0123456789"}`, Limits{MaxBytes: 17}, ErrTooLarge},
		{"too large whitespace counts", `{}       `, Limits{MaxBytes: 8}, ErrTooLarge},
		{"empty", ``, Limits{}, ErrSyntax},
		{"only whitespace", " \n\t", Limits{}, ErrSyntax},
		{"unterminated object", `{`, Limits{}, ErrSyntax},
		{"member without value", `{"a"}`, Limits{}, ErrSyntax},
		{"trailing comma object", `{"a":1,}`, Limits{}, ErrSyntax},
		{"trailing comma array", `[1,]`, Limits{}, ErrSyntax},
		{"leading zero", `01`, Limits{}, ErrSyntax},
		{"bare fraction", `1.`, Limits{}, ErrSyntax},
		{"no integer part", `.5`, Limits{}, ErrSyntax},
		{"bare exponent", `1e`, Limits{}, ErrSyntax},
		{"plus sign", `+1`, Limits{}, ErrSyntax},
		{"minus alone", `-`, Limits{}, ErrSyntax},
		{"short literal", `tru`, Limits{}, ErrSyntax},
		{"capital literal", `True`, Limits{}, ErrSyntax},
		{"NaN", `NaN`, Limits{}, ErrSyntax},
		{"raw control character", "\"a\x01\"", Limits{}, ErrSyntax},
		{"raw newline", "\"a\nb\"", Limits{}, ErrSyntax},
		{"bad escape", `"\x41"`, Limits{}, ErrSyntax},
		{"bad unicode escape", `"\u12g4"`, Limits{}, ErrSyntax},
		{"short unicode escape", `"\u12"`, Limits{}, ErrSyntax},
		{"bad escape after high surrogate", `"\ud800\u12g4"`, Limits{}, ErrSyntax},
		{"number as name", `{1:2}`, Limits{}, ErrSyntax},
		{"single quotes", `{'a':1}`, Limits{}, ErrSyntax},
		{"comment", `{"a":1 /* c */}`, Limits{}, ErrSyntax},
		{"unterminated string", `"abc`, Limits{}, ErrSyntax},
		{"unterminated escape", `"a\`, Limits{}, ErrSyntax},
		{"non-ASCII outside string", "[1,\xc3\xa9]", Limits{}, ErrSyntax},
		{"BOM", "\xef\xbb\xbf{}", Limits{}, ErrSyntax},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range readers {
				err := r.read([]byte(tc.in), tc.lim)
				if !errors.Is(err, tc.want) {
					t.Errorf("%s(%q) = %v, want %v", r.name, tc.in, err, tc.want)
				}
			}
		})
	}
}

func TestErrorClasses(t *testing.T) {
	if _, err := Decode([]byte(`"\ud800"`), Limits{}); !errors.Is(err, ErrInvalidUTF8) {
		t.Errorf("lone surrogate is not ErrInvalidUTF8: %v", err)
	}
	if _, err := Decode([]byte(`1 2`), Limits{}); !errors.Is(err, ErrSyntax) {
		t.Errorf("trailing data is not ErrSyntax: %v", err)
	}
	if _, err := Decode([]byte("\"\xff\""), Limits{}); errors.Is(err, ErrLoneSurrogate) {
		t.Errorf("bad UTF-8 is ErrLoneSurrogate: %v", err)
	}
}

func TestNotOfType(t *testing.T) {
	cases := []struct {
		name string
		read func([]byte) error
		in   string
		want error
	}{
		{"Members array", func(b []byte) error { _, err := Members(b, Limits{}); return err }, `[1]`, ErrNotObject},
		{"Members string", func(b []byte) error { _, err := Members(b, Limits{}); return err }, ` "x" `, ErrNotObject},
		{"Members null", func(b []byte) error { _, err := Members(b, Limits{}); return err }, `null`, ErrNotObject},
		{"DecodeObject array", func(b []byte) error { _, err := DecodeObject(b, Limits{}); return err }, `[{}]`, ErrNotObject},
		{"Elements object", func(b []byte) error { _, err := Elements(b, Limits{}); return err }, `{}`, ErrNotArray},
		{"String number", func(b []byte) error { _, err := String(b, Limits{}); return err }, `1`, ErrNotString},
		// A broken input reports what is broken, not its type.
		{"Members broken array", func(b []byte) error { _, err := Members(b, Limits{}); return err }, `[1,]`, ErrSyntax},
		{"Members array with lone surrogate", func(b []byte) error { _, err := Members(b, Limits{}); return err }, `["\ud800"]`, ErrLoneSurrogate},
		{"String with trailing data", func(b []byte) error { _, err := String(b, Limits{}); return err }, `"a" "b"`, ErrTrailingData},
	}
	for _, tc := range cases {
		if err := tc.read([]byte(tc.in)); !errors.Is(err, tc.want) {
			t.Errorf("%s: %q: got %v, want %v", tc.name, tc.in, err, tc.want)
		}
	}
}

func TestDepthBoundary(t *testing.T) {
	nest := func(n int, inner string) []byte {
		return []byte(strings.Repeat("[", n) + inner + strings.Repeat("]", n))
	}
	for _, ok := range [][]byte{nest(32, "1"), nest(33, ""), nest(31, `{"a":1}`), nest(32, `{}`)} {
		for _, r := range readers {
			if err := r.read(ok, Limits{}); err != nil {
				t.Errorf("%s refused %q: %v", r.name, ok, err)
			}
		}
	}
	if err := readers[0].read([]byte(`{"a":{"b":[1]}}`), Limits{MaxDepth: 3}); err != nil {
		t.Errorf("depth 3 refused at limit 3: %v", err)
	}
	if _, err := Decode(nest(1000, ""), Limits{MaxDepth: -1}); !errors.Is(err, ErrTooDeep) {
		t.Errorf("negative MaxDepth is not the default: %v", err)
	}
}

func TestSizeBoundary(t *testing.T) {
	in := []byte(`{"a":"0123456789"}`)
	for _, r := range readers {
		if err := r.read(in, Limits{MaxBytes: len(in)}); err != nil {
			t.Errorf("%s refused input of exactly MaxBytes: %v", r.name, err)
		}
	}
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	cases := []string{
		`{}`, `[]`, `{"a":1}`, ` {"a" : [1, 2.5, -0, 1e3, 1E-2, true, false, null, "x"]} `,
		`{"\u00e9":"\ud83d\ude00","e":"a\"b\\c\/d\b\f\n\r\t"}`, `"plain"`, `-12.5e+7`,
		`{"n":{"m":{"o":[[[]]]}}}`, `{"日本":"語"}`, `"\uDBFF\uDFFF"`, `"\u0000"`,
	}
	for _, c := range cases {
		got, err := Decode([]byte(c), Limits{})
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		want := stdDecode(t, []byte(c))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got %#v want %#v", c, got, want)
		}
	}
}

func stdDecode(t testing.TB, b []byte) any {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMembersOrderAndCopies(t *testing.T) {
	in := []byte(" {\"z\" : [1, 2] ,\"\\u0061\":{\"x\":null},\"m\":\"\\\"\"}\n")
	ms, err := Members(in, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Member{{"z", json.RawMessage(`[1, 2]`)}, {"a", json.RawMessage(`{"x":null}`)}, {"m", json.RawMessage(`"\""`)}}
	if !reflect.DeepEqual(ms, want) {
		t.Fatalf("got %q, want %q", ms, want)
	}
	in[3] = 'y' // the values are copies
	if string(ms[0].Value) != `[1, 2]` {
		t.Fatal("Members aliases its input")
	}
	if ms, err := Members([]byte(`{}`), Limits{}); err != nil || len(ms) != 0 {
		t.Fatalf("empty object: %q %v", ms, err)
	}
	els, err := Elements([]byte(` [ 1 ,"a", {} ] `), Limits{})
	if err != nil || !reflect.DeepEqual(els, []json.RawMessage{json.RawMessage(`1`), json.RawMessage(`"a"`), json.RawMessage(`{}`)}) {
		t.Fatalf("Elements: %q %v", els, err)
	}
	if els, err := Elements([]byte(`[]`), Limits{}); err != nil || els == nil || len(els) != 0 {
		t.Fatalf("empty array: %#v %v", els, err)
	}
	if s, err := String([]byte(` "a\u00e9\ud83d\ude00\n" `), Limits{}); err != nil || s != "aé😀\n" {
		t.Fatalf("String: %q %v", s, err)
	}
}

func TestCanonical(t *testing.T) {
	cases := []struct{ in, want string }{
		{` { "b" : 1 , "a" : [ true , false , null ] } `, `{"a":[true,false,null],"b":1}`},
		{`{"b":{"d":1,"c":2},"a":0}`, `{"a":0,"b":{"c":2,"d":1}}`},
		{`[1.0,-0,1E+2,0.10]`, `[1.0,-0,1E+2,0.10]`},
		{`"\u0041\/<&>\u2028\u007f\b\u000b"`, `"A/\u003c\u0026\u003e\u2028` + "\x7f" + `\b\u000b"`},
		{`{"é":1,"e":2,"\u00e9a":3,"😀":4,"~":5}`, `{"e":2,"~":5,"é":1,"éa":3,"😀":4}`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`{"":1," ":2}`, `{"":1," ":2}`},
	}
	for _, tc := range cases {
		got, err := Canonical([]byte(tc.in), Limits{})
		if err != nil || string(got) != tc.want {
			t.Errorf("Canonical(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", "<a href=\"x\">&amp;</a>", "\x00\x1f\x7f\u2028\u2029\ufffd", "bad\xffutf8\xc3", "tab\there"} {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}
