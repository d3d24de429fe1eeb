package wallet

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

const (
	oldFixture     = "testdata/wallet-n15.json"
	oldPassphrase  = "correct horse battery staple"
	oldHolderPubX  = "ke48b3dM3BVeyGafcpkl6U97U9lSMwcvs-y8fpLh-pA"
	oldFixtureCred = "eyJhbGciOiJFZERTQSJ9.e30.c2ln~"
)

func fileKDF(t *testing.T, path string) KDFHeader {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ KDF KDFHeader }
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	return env.KDF
}

func TestDefaultKDFAtLeast2to17(t *testing.T) {
	if DefaultKDF.N < 1<<17 || DefaultKDF.R < 8 || DefaultKDF.P < 1 {
		t.Fatalf("DefaultKDF %+v below N=2^17, r=8, p=1", DefaultKDF)
	}
}

// TestOldWalletRekeyedOnSave opens a wallet written by the previous release
// (scrypt N=2^15, committed under testdata): it opens, opening leaves the
// file alone, and the next save re-encrypts it under DefaultKDF with a fresh
// salt; the result opens with the same passphrase and holds the same things.
func TestOldWalletRekeyedOnSave(t *testing.T) {
	b, err := os.ReadFile(oldFixture)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "wallet.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	old := fileKDF(t, path)
	if old.N != 1<<15 {
		t.Fatalf("fixture N=%d, want 2^15", old.N)
	}
	w, err := Open(path, []byte(oldPassphrase))
	if err != nil {
		t.Fatal(err)
	}
	if w.KDF().N != 1<<15 || !w.NeedsRekey() {
		t.Fatalf("opened with %+v, needs rekey %v", w.KDF(), w.NeedsRekey())
	}
	if after, _ := os.ReadFile(path); string(after) != string(b) {
		t.Fatal("opening rewrote the file")
	}
	if err := w.Add(Credential{Name: "second", SDJWT: "x.y.z~"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	nu := fileKDF(t, path)
	if nu.N != DefaultKDF.N || nu.R != DefaultKDF.R || nu.P != DefaultKDF.P || nu.Salt == old.Salt {
		t.Fatalf("after save kdf %+v (was %+v), want DefaultKDF %+v and a new salt", nu, old, DefaultKDF)
	}
	w2, err := Open(path, []byte(oldPassphrase))
	if err != nil {
		t.Fatal(err)
	}
	if w2.NeedsRekey() || w2.KDF() != DefaultKDF {
		t.Fatalf("reopened: %+v rekey %v", w2.KDF(), w2.NeedsRekey())
	}
	jwk, _ := w2.Holder().Public().JWK()
	var pub struct{ X string }
	_ = json.Unmarshal(jwk, &pub)
	c, err := w2.Credential("pid")
	if pub.X != oldHolderPubX || err != nil || c.SDJWT != oldFixtureCred || len(w2.Credentials()) != 2 {
		t.Fatalf("contents changed: holder %s, pid %+v %v, %d credentials", pub.X, c, err, len(w2.Credentials()))
	}
	if _, err := Open(path, []byte("wrong")); err == nil {
		t.Fatal("wrong passphrase opened the re-keyed wallet")
	}
}

// TestCurrentWalletNotRekeyed: a wallet at DefaultKDF keeps its parameters
// and salt on save.
func TestCurrentWalletNotRekeyed(t *testing.T) {
	if testing.Short() {
		t.Skip("scrypt at DefaultKDF")
	}
	w, path := newWallet(t, "pass")
	path = filepath.Join(filepath.Dir(path), "current.json")
	cur, err := Create(path, []byte("pass"), w.Holder(), DefaultKDF)
	if err != nil {
		t.Fatal(err)
	}
	before := fileKDF(t, path)
	o, err := Open(path, []byte("pass"))
	if err != nil {
		t.Fatal(err)
	}
	if o.NeedsRekey() || cur.NeedsRekey() {
		t.Fatal("a wallet at DefaultKDF marked for rekeying")
	}
	if err := o.Save(); err != nil {
		t.Fatal(err)
	}
	if after := fileKDF(t, path); after != before {
		t.Fatalf("kdf changed on save: %+v -> %+v", before, after)
	}
}
