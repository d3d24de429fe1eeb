package wallet

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/amanah-id/amanah/keys"
)

// fuzzPassphrase opens the seed wallets in testdata/fuzz/FuzzDecode (made with
// N=2^10 so that the full open path stays cheap).
const fuzzPassphrase = "fuzz-passphrase"

// FuzzDecode feeds arbitrary bytes to the wallet decoder and, for envelopes
// with cheap KDF parameters, the whole open path (check value, AEAD, contents,
// holder key). It must never panic, and every failure must be ErrCorrupt or
// ErrWrongPassphrase.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Decode error not ErrCorrupt: %v", err)
			}
			return
		}
		if env.KDF.N > 1<<10 || env.KDF.R > 8 || env.KDF.P > 1 {
			return
		}
		w, err := openBytes(b, []byte(fuzzPassphrase))
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrWrongPassphrase) {
				t.Fatalf("open error of unexpected kind: %v", err)
			}
			return
		}
		// A wallet that opens must survive an encode/decode round trip.
		out, err := w.Encode()
		if err != nil {
			t.Fatal(err)
		}
		w2, err := openBytes(out, []byte(fuzzPassphrase))
		if err != nil {
			t.Fatalf("re-encoded wallet does not open: %v", err)
		}
		if len(w2.Credentials()) != len(w.Credentials()) || !w2.Holder().Equal(w.Holder()) {
			t.Fatal("round trip changed the wallet")
		}
	})
}

// TestSeedCorpusOpens checks that the committed valid seed still opens, so
// the fuzzer starts from a wallet that reaches the contents parser.
func TestSeedCorpusOpens(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzDecode", "valid-wallet"))
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "go test fuzz v1\n[]byte("
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		t.Fatal("seed file has an unexpected format")
	}
	content, err := strconv.Unquote(strings.TrimSuffix(string(b[len(prefix):]), ")\n"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := openBytes([]byte(content), []byte(fuzzPassphrase))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Credentials()) != 1 {
		t.Fatalf("seed wallet has %d credentials", len(w.Credentials()))
	}
}

// TestWriteSeedCorpus regenerates the seed corpus when AMANAH_WRITE_SEEDS=1.
func TestWriteSeedCorpus(t *testing.T) {
	if os.Getenv("AMANAH_WRITE_SEEDS") != "1" {
		t.Skip("set AMANAH_WRITE_SEEDS=1 to regenerate testdata/fuzz/FuzzDecode")
	}
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "w.json")
	w, err := Create(path, []byte(fuzzPassphrase), k, KDFParams{N: 1 << 10, R: 8, P: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(Credential{Name: "pid", SDJWT: "eyJhbGciOiJFZERTQSJ9.e30.c2ln~WyJzYWx0IiwiZ2l2ZW5fbmFtZSIsIkEiXQ~", ImportedAt: time.Unix(1700000000, 0).UTC()}); err != nil {
		t.Fatal(err)
	}
	valid, err := w.Encode()
	if err != nil {
		t.Fatal(err)
	}
	empty, _ := os.ReadFile(path)
	seeds := map[string][]byte{
		"valid-wallet":  valid,
		"empty-wallet":  empty,
		"truncated":     valid[:len(valid)/3],
		"duplicate-key": []byte(strings.Replace(string(valid), `"version": 1`, `"version": 1, "version": 1`, 1)),
		"wrong-version": []byte(strings.Replace(string(valid), `"version": 1`, `"version": 7`, 1)),
		"huge-scrypt":   []byte(strings.Replace(string(valid), `"n": 1024`, `"n": 4294967296`, 1)),
		"nested":        []byte(`{"version":1,"kdf":{"name":"scrypt","salt":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}}`),
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range seeds {
		data := "go test fuzz v1\n[]byte(" + strconv.Quote(string(b)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
