package wallet

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amanah-id/amanah/keys"
)

// fastKDF keeps unit tests quick; the CLI always uses DefaultKDF.
var fastKDF = KDFParams{N: 1 << 10, R: 8, P: 1}

func newWallet(t *testing.T, pass string) (*Wallet, string) {
	t.Helper()
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sub", "wallet.json")
	w, err := Create(path, []byte(pass), k, fastKDF)
	if err != nil {
		t.Fatal(err)
	}
	return w, path
}

func TestCreateOpenRoundTrip(t *testing.T) {
	w, path := newWallet(t, "correct horse")
	if err := w.Add(Credential{Name: "pid", SDJWT: "a.b.c~", ImportedAt: time.Unix(1700000000, 0).UTC()}); err != nil {
		t.Fatal(err)
	}
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	w2, err := Open(path, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if !w2.Holder().Equal(w.Holder()) {
		t.Fatal("holder key changed")
	}
	c, err := w2.Credential("pid")
	if err != nil || c.SDJWT != "a.b.c~" {
		t.Fatalf("credential: %+v %v", c, err)
	}
	if err := w2.Add(Credential{Name: "pid", SDJWT: "x~"}); !errors.Is(err, ErrDuplicateName) {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := Create(path, []byte("x"), w.Holder(), fastKDF); !errors.Is(err, ErrExists) {
		t.Fatalf("create over existing: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestPlaintextNotInFile(t *testing.T) {
	w, path := newWallet(t, "correct horse")
	if err := w.Add(Credential{Name: "pid", SDJWT: "SECRET-CLAIM-VALUE~"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	jwk, _ := w.Holder().JWK()
	if bytes.Contains(b, []byte("SECRET-CLAIM-VALUE")) || bytes.Contains(b, []byte(`"d"`)) || bytes.Contains(b, jwk) {
		t.Fatal("plaintext leaked into the wallet file")
	}
}

func TestOpenErrors(t *testing.T) {
	_, path := newWallet(t, "correct horse")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, []byte("wrong horse")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none.json"), []byte("x")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	env, err := Decode(good)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(s string) string {
		b := []byte(s)
		if b[5] == 'A' {
			b[5] = 'B'
		} else {
			b[5] = 'A'
		}
		return string(b)
	}
	cases := map[string]string{
		"ciphertext flipped": strings.Replace(string(good), env.Ciphertext, flip(env.Ciphertext), 1),
		"nonce flipped":      strings.Replace(string(good), env.Nonce, flip(env.Nonce), 1),
		"truncated":          string(good[:len(good)/2]),
		"empty":              "",
		"not json":           "hello",
		"version 2":          strings.Replace(string(good), `"version": 1`, `"version": 2`, 1),
		"kdf n huge":         strings.Replace(string(good), `"n": 1024`, `"n": 1073741824`, 1),
		"kdf n not pow2":     strings.Replace(string(good), `"n": 1024`, `"n": 1000`, 1),
		"kdf r zero":         strings.Replace(string(good), `"r": 8`, `"r": 0`, 1),
		"cipher":             strings.Replace(string(good), `"aes-256-gcm"`, `"aes-128-gcm"`, 1),
		"unknown member":     strings.Replace(string(good), `"version": 1`, `"version": 1, "x": 1`, 1),
		"duplicate member":   strings.Replace(string(good), `"version": 1`, `"version": 1, "version": 1`, 1),
		"trailing data":      string(good) + "{}",
		"padded base64":      strings.Replace(string(good), env.Nonce, env.Nonce+"==", 1),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			if content == string(good) {
				t.Fatal("case did not change the file")
			}
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path, []byte("correct horse"))
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestValidName(t *testing.T) {
	for _, ok := range []string{"pid", "mykad-2", "a.b_c"} {
		if ValidName(ok) != nil {
			t.Errorf("%q rejected", ok)
		}
	}
	for _, bad := range []string{"", "-x", "a b", "a/b", "ä", strings.Repeat("a", 65)} {
		if ValidName(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
