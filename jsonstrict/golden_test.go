package jsonstrict

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// goldenEntry is one line of testdata/canonical-golden.jsonl: an input and what the canonical
// writer jsonstrict replaced (didcore's canonicalJSON, at 296990d) made of it.
type goldenEntry struct {
	Source string `json:"source"`
	In     []byte `json:"in"`
	Out    []byte `json:"out"` // absent when the old writer refused the input
	Err    string `json:"err"`
}

func readGolden(t *testing.T, path string) []goldenEntry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []goldenEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e goldenEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCanonicalGolden checks Canonical against the bytes the old canonical writer produced
// for every committed DID Core vector, the JSON in the credential vectors, and every fuzz seed
// of didcore, keys, credential and jsonstrict (and each value nested in them). A changed
// byte is a state break. The one intended difference: a lone surrogate escape, which the
// old writer turned into U+FFFD, is now refused.
func TestCanonicalGolden(t *testing.T) {
	entries := readGolden(t, "testdata/canonical-golden.jsonl")
	if len(entries) < 800 {
		t.Fatalf("only %d golden entries", len(entries))
	}
	var same, refusedBoth, loneSurrogate int
	for _, e := range entries {
		got, err := Canonical(e.In, Limits{MaxDepth: 32})
		switch {
		case e.Out == nil && err == nil:
			t.Errorf("%s: old writer refused (%s), Canonical accepts %q -> %s", e.Source, e.Err, e.In, got)
		case e.Out == nil:
			refusedBoth++
		case err == nil && !bytes.Equal(got, e.Out):
			t.Errorf("%s: canonical bytes changed for %q:\n old %s\n new %s", e.Source, e.In, e.Out, got)
		case err == nil:
			same++
		case errors.Is(err, ErrLoneSurrogate) && bytes.Contains(e.Out, []byte("\ufffd")):
			loneSurrogate++
		default:
			t.Errorf("%s: old writer accepted %q -> %s, Canonical refuses: %v", e.Source, e.In, e.Out, err)
		}
	}
	t.Logf("%d entries: %d identical bytes, %d refused by both, %d lone surrogates now refused", len(entries), same, refusedBoth, loneSurrogate)
	if loneSurrogate == 0 || same < 700 {
		t.Errorf("golden coverage looks wrong: %d identical, %d lone surrogates", same, loneSurrogate)
	}
}
