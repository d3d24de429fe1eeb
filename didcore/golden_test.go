package didcore

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/amanah-id/amanah/jsonstrict"
)

// TestDocumentGolden replays testdata/golden/document-golden.jsonl: for every JSON object
// among the committed DID Core vectors, the credential vectors' JWTs and the fuzz seeds of
// didcore, keys, credential and jsonstrict (and each object nested in them), what
// ParseDocument and ParseDocumentLenient, MarshalJSON, Validate and ValidateCore made of it
// before didcore moved onto jsonstrict (commit 03b3cce; the generator is in its history).
// MarshalJSON bytes are what x/did stores: a changed byte is a state break. The one intended
// difference: a lone surrogate escape, once turned into U+FFFD, is now refused.
func TestDocumentGolden(t *testing.T) {
	f, err := os.Open("testdata/golden/document-golden.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type result struct {
		Out          []byte  `json:"out"`
		Err          string  `json:"err"`
		Validate     *string `json:"validate"`
		ValidateCore *string `json:"validateCore"`
	}
	parsers := []struct {
		name  string
		parse func([]byte) (*Document, error)
	}{{"strict", ParseDocument}, {"lenient", ParseDocumentLenient}}
	var n, same, lone int
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e struct {
			Source          string
			In              []byte
			Strict, Lenient result
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		n++
		for i, p := range parsers {
			old := []result{e.Strict, e.Lenient}[i]
			doc, err := p.parse(e.In)
			var out []byte
			if err == nil {
				if out, err = doc.MarshalJSON(); err != nil {
					t.Fatalf("%s %s: MarshalJSON: %v", e.Source, p.name, err)
				}
			}
			switch {
			case old.Out == nil && err == nil:
				t.Errorf("%s %s: was refused (%s), now accepted: %q", e.Source, p.name, old.Err, e.In)
			case old.Out == nil:
			case err != nil && errors.Is(err, jsonstrict.ErrLoneSurrogate) && bytes.Contains(old.Out, []byte("\ufffd")):
				lone++
			case err != nil:
				t.Errorf("%s %s: was accepted, now refused: %q: %v", e.Source, p.name, e.In, err)
			case !bytes.Equal(out, old.Out):
				t.Errorf("%s %s: document bytes changed:\n old %s\n new %s", e.Source, p.name, old.Out, out)
			default:
				same++
				if v := doc.Validate(DefaultLimits()); (v == nil) != (*old.Validate == "") {
					t.Errorf("%s %s: Validate was %q, now %v", e.Source, p.name, *old.Validate, v)
				}
				if v := doc.ValidateCore(DefaultLimits()); (v == nil) != (*old.ValidateCore == "") {
					t.Errorf("%s %s: ValidateCore was %q, now %v", e.Source, p.name, *old.ValidateCore, v)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d inputs: %d parses with identical bytes, %d lone surrogates now refused", n, same, lone)
	if n < 150 || same < 150 {
		t.Fatalf("golden coverage: %d inputs, %d identical", n, same)
	}
}

// TestDocumentLoneSurrogateRefused: document parsing used to let encoding/json turn a lone
// surrogate escape into U+FFFD (and the ledger could store it, e.g. in a service type); it
// is now refused wherever it appears.
func TestDocumentLoneSurrogateRefused(t *testing.T) {
	base := string(sampleJSON(t))
	for _, tc := range []struct{ name, old, new string }{
		{"service type high", `"DIDCommMessaging"`, `"DIDComm\ud800Messaging"`},
		{"service type low", `"DIDCommMessaging"`, `"DIDComm\udc00Messaging"`},
		{"publicKeyJwk", `"kty":"EC"`, `"kty":"EC","kid":"\ud83d"`},
		{"alsoKnownAs", `"https://ministry.example.gov"`, `"https://ministry.example.gov/\udbff"`},
		{"member name", `"controller":`, `"\ud800": 1, "controller":`},
	} {
		in := bytesReplaceOnce(t, base, tc.old, tc.new)
		for _, parse := range []func([]byte) (*Document, error){ParseDocument, ParseDocumentLenient} {
			if _, err := parse(in); !errors.Is(err, ErrInvalidJSON) || !errors.Is(err, jsonstrict.ErrLoneSurrogate) {
				t.Errorf("%s: %v, want ErrInvalidJSON and jsonstrict.ErrLoneSurrogate", tc.name, err)
			}
		}
	}
	var d Document
	if err := json.Unmarshal(bytesReplaceOnce(t, base, `"DIDCommMessaging"`, `"DIDComm\ud83d\ude00Messaging"`), &d); err != nil {
		t.Errorf("surrogate pair refused: %v", err)
	}
}

func bytesReplaceOnce(t *testing.T, s, old, new string) []byte {
	t.Helper()
	if !bytes.Contains([]byte(s), []byte(old)) {
		t.Fatalf("sample document has no %s", old)
	}
	return bytes.Replace([]byte(s), []byte(old), []byte(new), 1)
}
