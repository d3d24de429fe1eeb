package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"
)

// encode is how the tools write their result (benchenv.Main, verifierload, verifiermem).
func encode(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fill sets every exported field below v to a distinct value (n counts them): each slice gets
// two elements, each pointer a value, each string characters the encoder escapes.
func fill(v reflect.Value, n *int) {
	if v.Type() == reflect.TypeOf(time.Time{}) {
		v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC).Add(time.Duration(*n) * time.Second)))
		*n++
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n)
			}
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), n)
		}
		v.Set(s)
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d <&>", *n))
		*n++
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
		*n++
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n))
		*n++
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.25)
		*n++
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, n)
		fill(e, n)
		m.SetMapIndex(k, e)
		v.Set(m)
	default:
		panic("fill: " + v.Kind().String())
	}
}

// TestJSONUnchanged: every tool's result encodes exactly as the tool's own type did before the
// types moved here. testdata/<tool>.json and <tool>-zero.json were written from the tools'
// former Result/Report types (commit 8ae86a3) with fill and with the zero value, so field
// names, order, tags and omitempty are all pinned.
func TestJSONUnchanged(t *testing.T) {
	for tool, v := range map[string]any{
		"verifierload": &VerifierLoad{}, "verifiermem": &VerifierMem{}, "chainload": &ChainLoad{},
		"didresolve": &DIDResolve{}, "verifierproved": &VerifierProved{},
	} {
		zero := encode(t, v)
		n := 1
		fill(reflect.ValueOf(v).Elem(), &n)
		for name, got := range map[string][]byte{tool + ".json": encode(t, v), tool + "-zero.json": zero} {
			want, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: encoding changed:\n%s\nwant:\n%s", name, got, want)
			}
		}
	}
}

// TestSamplesRoundTrip: the saved outputs of real runs decode into these types with no field
// unknown and encode back to the same bytes.
func TestSamplesRoundTrip(t *testing.T) {
	for path, v := range map[string]any{
		"../verifierload/last-run.json":      &VerifierLoad{},
		"../testdata/did-resolve-small.json": &DIDResolve{},
	} {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got := encode(t, v); !bytes.Equal(got, raw) {
			t.Errorf("%s: re-encoded differently:\n%s", path, got)
		}
	}
}
