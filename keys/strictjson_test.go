package keys

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/amanah-id/amanah/jsonstrict"
)

// TestJWKLoneSurrogateRefused: JWK parsing used to let encoding/json turn a lone surrogate
// escape into U+FFFD; jsonstrict refuses it, in member names and values alike.
func TestJWKLoneSurrogateRefused(t *testing.T) {
	const x = `"x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"`
	for _, in := range []string{
		`{"kty":"OKP","crv":"Ed25519",` + x + `,"kid":"key-\ud800"}`,
		`{"kty":"OKP","crv":"Ed25519",` + x + `,"kid":"key-\udc00"}`,
		`{"kty":"OKP","crv":"Ed25519",` + x + `,"key_ops":["verify","\udbff"]}`,
		`{"kty":"OKP","crv":"Ed25519",` + x + `,"\ud800":1}`,
	} {
		if _, err := ParsePublicJWK([]byte(in)); !errors.Is(err, ErrInvalidJWK) || !errors.Is(err, jsonstrict.ErrLoneSurrogate) {
			t.Errorf("ParsePublicJWK(%s) = %v, want ErrInvalidJWK and jsonstrict.ErrLoneSurrogate", in, err)
		}
	}
	if _, err := ParsePublicJWK([]byte(`{"kty":"OKP","crv":"Ed25519",` + x + `,"kid":"key-\ud83d\ude00"}`)); err != nil {
		t.Errorf("surrogate pair refused: %v", err)
	}
}

func TestJWKTooLarge(t *testing.T) {
	in := []byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`)
	in = append(in, bytes.Repeat([]byte(" "), maxJWKBytes-len(in)+1)...)
	if _, err := ParsePublicJWK(in); !errors.Is(err, ErrInvalidJWK) || !errors.Is(err, jsonstrict.ErrTooLarge) {
		t.Errorf("oversized JWK: %v", err)
	}
	if _, err := ParsePublicJWK(in[:maxJWKBytes]); err != nil {
		t.Errorf("JWK of exactly maxJWKBytes: %v", err)
	}
}

// TestJWKGolden replays testdata/golden/jwk-golden.jsonl: what ParsePublicJWK and
// ParsePrivateJWK made of every object among the committed vectors and fuzz seeds before
// they moved onto jsonstrict (see jsonstrict/testdata/canonical-golden.jsonl for the inputs).
func TestJWKGolden(t *testing.T) {
	f, err := os.Open("testdata/golden/jwk-golden.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type result struct {
		Out []byte `json:"out"`
		Err string `json:"err"`
	}
	var n, accepted int
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e struct {
			Source          string
			In              []byte
			Public, Private result
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		n++
		pub, err := ParsePublicJWK(e.In)
		var got []byte
		if err == nil {
			got, _ = pub.JWK()
			accepted++
		}
		check(t, e.Source+" public", e.In, e.Public.Out, got, err)
		priv, err := ParsePrivateJWK(e.In)
		got = nil
		if err == nil {
			got, _ = priv.JWK()
		}
		check(t, e.Source+" private", e.In, e.Private.Out, got, err)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 150 || accepted < 10 {
		t.Fatalf("golden coverage: %d entries, %d public keys", n, accepted)
	}
}

func check(t *testing.T, source string, in, old, got []byte, err error) {
	t.Helper()
	switch {
	case old == nil && err == nil:
		t.Errorf("%s: was refused, now accepted: %q", source, in)
	case old != nil && err != nil:
		t.Errorf("%s: was accepted, now refused: %q: %v", source, in, err)
	case !bytes.Equal(old, got):
		t.Errorf("%s: JWK changed: %s -> %s", source, old, got)
	}
}
