package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
)

const testPass = "correct horse battery"

// run executes the CLI in-process with a clean environment plus env.
func run(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Execute(args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	return out.String(), errb.String(), code
}

func mustRun(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	out, errs, code := run(t, env, args...)
	if code != 0 {
		t.Fatalf("amanah %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

func assertMode0600(t *testing.T, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("%s: mode %v, want 0600", path, st.Mode().Perm())
	}
}

func TestKeyNewDIDRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, typ := range []string{"ed25519", "p256", "secp256k1"} {
		t.Run(typ, func(t *testing.T) {
			path := filepath.Join(dir, typ+".jwk")
			mustRun(t, nil, "key", "new", "--type", typ, "--out", path)
			assertMode0600(t, path)
			b, _ := os.ReadFile(path)
			priv, err := keys.ParsePrivateJWK(bytes.TrimSpace(b))
			if err != nil {
				t.Fatal(err)
			}
			did := strings.TrimSpace(mustRun(t, nil, "key", "did", path, "--network", "local"))
			if want := didcore.AmanahDID("local", priv.Public()); did != want {
				t.Fatalf("did %q, want %q", did, want)
			}
			pub, err := keys.ParsePublicJWK([]byte(strings.TrimSpace(mustRun(t, nil, "key", "pub", path))))
			if err != nil || !pub.Equal(priv.Public()) {
				t.Fatalf("pub: %v", err)
			}
			dj, err := keys.ParseDIDJWK(strings.TrimSpace(mustRun(t, nil, "key", "didjwk", path)))
			if err != nil || !dj.Equal(priv.Public()) {
				t.Fatalf("didjwk: %v", err)
			}
			// The public JWK file gives the same DID.
			pubPath := filepath.Join(dir, typ+"-pub.jwk")
			writeFile(t, pubPath, []byte(mustRun(t, nil, "key", "pub", path)), 0o644)
			if d2 := strings.TrimSpace(mustRun(t, nil, "key", "did", pubPath)); d2 != did {
				t.Fatalf("did from public JWK %q != %q", d2, did)
			}
			// No overwrite without --force; --force replaces and keeps 0600.
			if _, errs, code := run(t, nil, "key", "new", "--type", typ, "--out", path); code == 0 || !strings.Contains(errs, "exists") {
				t.Fatalf("overwrite without --force: code %d %s", code, errs)
			}
			b2, _ := os.ReadFile(path)
			if !bytes.Equal(b, b2) {
				t.Fatal("key file changed without --force")
			}
			mustRun(t, nil, "key", "new", "--type", typ, "--out", path, "--force")
			assertMode0600(t, path)
			b3, _ := os.ReadFile(path)
			if bytes.Equal(b, b3) {
				t.Fatal("--force did not replace the key")
			}
		})
	}
}

// fixture is an issuer, a wallet and an issued credential file.
type fixture struct {
	dir, issKey, issPub, issDID, kid, wallet, cred, claims string
	env                                                    map[string]string
}

const vct = "https://id.amanah.example/vct/national-id"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{
		dir: dir, issKey: filepath.Join(dir, "issuer.jwk"), issPub: filepath.Join(dir, "issuer-pub.jwk"),
		wallet: filepath.Join(dir, "home", ".amanah", "wallet.json"), cred: filepath.Join(dir, "cred.sdjwt"),
		claims: filepath.Join(dir, "claims.json"),
		env:    map[string]string{passphraseEnv: testPass},
	}
	mustRun(t, nil, "key", "new", "--type", "p256", "--out", f.issKey)
	writeFile(t, f.issPub, []byte(mustRun(t, nil, "key", "pub", f.issKey)), 0o644)
	f.issDID = strings.TrimSpace(mustRun(t, nil, "key", "did", f.issKey, "--network", "local"))
	f.kid = f.issDID + "#key-1"
	writeFile(t, f.claims, []byte(`{"given_name":"Siti","family_name":"Rahman","birthdate":"1990-02-14",
		"nationality":"MY","address":{"street_address":"12 Jalan Damai","locality":"Putrajaya","country":"MY"}}`), 0o644)
	mustRun(t, f.env, "wallet", "init", "--wallet", f.wallet)
	assertMode0600(t, f.wallet)
	holder := filepath.Join(dir, "holder.jwk")
	writeFile(t, holder, []byte(mustRun(t, f.env, "wallet", "holder", "--wallet", f.wallet)), 0o644)
	mustRun(t, nil, f.issueArgs(holder)...)
	assertMode0600(t, f.cred)
	return f
}

func (f *fixture) issueArgs(holder string, extra ...string) []string {
	return append([]string{"issuer", "issue", "--key", f.issKey, "--kid", f.kid, "--iss", f.issDID, "--vct", vct,
		"--claims", f.claims, "--holder", holder, "--status-uri", "https://status.amanah.example/lists/1",
		"--status-index", "42", "--out", f.cred, "--force"}, extra...)
}

func TestIssueWalletPresentVerify(t *testing.T) {
	f := newFixture(t)
	mustRun(t, f.env, "wallet", "import", f.cred, "--wallet", f.wallet, "--name", "nid", "--issuer-jwk", f.issPub)
	assertMode0600(t, f.wallet)

	list := mustRun(t, f.env, "wallet", "list", "--wallet", f.wallet)
	for _, want := range []string{"nid", vct, f.issDID} {
		if !strings.Contains(list, want) {
			t.Fatalf("list lacks %q:\n%s", want, list)
		}
	}
	for _, secret := range []string{"Siti", "Rahman", "1990-02-14", "Putrajaya", "Jalan Damai"} {
		if strings.Contains(list, secret) {
			t.Fatalf("list prints claim value %q:\n%s", secret, list)
		}
	}
	if shown := mustRun(t, f.env, "wallet", "list", "--wallet", f.wallet, "--show-claims"); !strings.Contains(shown, "Siti") || !strings.Contains(shown, "Putrajaya") {
		t.Fatalf("--show-claims lacks the values:\n%s", shown)
	}

	vp := filepath.Join(f.dir, "p.txt")
	mustRun(t, f.env, "wallet", "present", "nid", "--wallet", f.wallet, "--disclose", "age_over_18,given_name",
		"--nonce", "n-123", "--aud", "did:amanah:local:bank", "--out", vp)
	assertMode0600(t, vp)

	out := mustRun(t, nil, "verify", "--presentation", vp, "--issuer-jwk", f.issPub, "--nonce", "n-123", "--aud", "did:amanah:local:bank")
	var res verifyResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !res.Verified || res.Issuer != f.issDID || res.VCT != vct || res.Status == nil || res.Status.Index != 42 {
		t.Fatalf("result: %+v", res)
	}
	if res.Claims["given_name"] != "Siti" || res.Claims["age_over_18"] != true {
		t.Fatalf("disclosed claims missing: %v", res.Claims)
	}
	for _, hidden := range []string{"family_name", "birthdate", "address", "nationality", "age_over_21"} {
		if _, ok := res.Claims[hidden]; ok {
			t.Fatalf("undisclosed claim %q visible: %v", hidden, res.Claims)
		}
	}
	for _, secret := range []string{"Rahman", "1990-02-14", "Putrajaya"} {
		if strings.Contains(out, secret) {
			t.Fatalf("verify output contains undisclosed %q", secret)
		}
	}

	// Wrong challenge, wrong issuer key, tampered presentation: verified=false, reason, exit 1.
	other := filepath.Join(f.dir, "other.jwk")
	mustRun(t, nil, "key", "new", "--type", "p256", "--out", other)
	tampered := filepath.Join(f.dir, "tampered.txt")
	b, _ := os.ReadFile(vp)
	parts := strings.Split(strings.TrimSpace(string(b)), "~")
	parts = append(parts[:1], parts[2:]...) // drop one disclosure: sd_hash no longer matches
	writeFile(t, tampered, []byte(strings.Join(parts, "~")), 0o600)
	for _, c := range []struct {
		name   string
		args   []string
		reason string
	}{
		{"nonce", []string{"--presentation", vp, "--issuer-jwk", f.issPub, "--nonce", "n-999", "--aud", "did:amanah:local:bank"}, "nonce_mismatch"},
		{"aud", []string{"--presentation", vp, "--issuer-jwk", f.issPub, "--nonce", "n-123", "--aud", "did:amanah:local:evil"}, "aud_mismatch"},
		{"key", []string{"--presentation", vp, "--issuer-jwk", other, "--nonce", "n-123", "--aud", "did:amanah:local:bank"}, ""},
		{"tampered", []string{"--presentation", tampered, "--issuer-jwk", f.issPub, "--nonce", "n-123", "--aud", "did:amanah:local:bank"}, "sd_hash_mismatch"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, _, code := run(t, nil, append([]string{"verify"}, c.args...)...)
			var r verifyResult
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if code == 0 || r.Verified || r.Reason == "" || (c.reason != "" && r.Reason != c.reason) {
				t.Fatalf("code %d result %+v, want reason %q", code, r, c.reason)
			}
		})
	}
}

func TestWrongPassphrase(t *testing.T) {
	f := newFixture(t)
	before, _ := os.ReadFile(f.wallet)
	_, errs, code := run(t, map[string]string{passphraseEnv: "not the passphrase"}, "wallet", "import", f.cred, "--wallet", f.wallet)
	if code == 0 || !strings.Contains(errs, "wrong passphrase") {
		t.Fatalf("code %d: %s", code, errs)
	}
	pf := filepath.Join(f.dir, "pass.txt")
	writeFile(t, pf, []byte("also wrong\n"), 0o600)
	if _, errs, code := run(t, f.env, "wallet", "list", "--wallet", f.wallet, "--passphrase-file", pf); code == 0 || !strings.Contains(errs, "wrong passphrase") {
		t.Fatalf("--passphrase-file wins over env: code %d: %s", code, errs)
	}
	writeFile(t, pf, []byte(testPass+"\n"), 0o600)
	mustRun(t, nil, "wallet", "list", "--wallet", f.wallet, "--passphrase-file", pf)
	if _, errs, code := run(t, nil, "wallet", "list", "--wallet", f.wallet); code == 0 || !strings.Contains(errs, "no passphrase") {
		t.Fatalf("no passphrase source: code %d: %s", code, errs)
	}
	after, _ := os.ReadFile(f.wallet)
	if !bytes.Equal(before, after) {
		t.Fatal("failed commands modified the wallet")
	}
}

func TestTamperedWallet(t *testing.T) {
	f := newFixture(t)
	good, _ := os.ReadFile(f.wallet)
	var env map[string]any
	if err := json.Unmarshal(good, &env); err != nil {
		t.Fatal(err)
	}
	ct := env["ciphertext"].(string)
	flipped := []byte(ct)
	flipped[10] ^= 1
	if flipped[10] == '-' || flipped[10] == '_' || flipped[10] == '.' {
		flipped[10] = 'A'
	}
	for name, content := range map[string]string{
		"ciphertext": strings.Replace(string(good), ct, string(flipped), 1),
		"truncated":  string(good[:len(good)-20]),
		"garbage":    "\x00\x01 not a wallet",
	} {
		t.Run(name, func(t *testing.T) {
			writeFile(t, f.wallet, []byte(content), 0o600)
			_, errs, code := run(t, f.env, "wallet", "list", "--wallet", f.wallet)
			if code == 0 || !strings.Contains(errs, "corrupted") {
				t.Fatalf("code %d: %s", code, errs)
			}
		})
	}
	writeFile(t, f.wallet, good, 0o600)
	mustRun(t, f.env, "wallet", "list", "--wallet", f.wallet)
}

func TestImportChecks(t *testing.T) {
	f := newFixture(t)
	// A credential bound to another holder key is refused.
	otherHolder := filepath.Join(f.dir, "other-holder.jwk")
	mustRun(t, nil, "key", "new", "--out", otherHolder)
	foreign := filepath.Join(f.dir, "foreign.sdjwt")
	args := f.issueArgs(otherHolder)
	for i := range args {
		if args[i] == f.cred {
			args[i] = foreign
		}
	}
	mustRun(t, nil, args...)
	if _, errs, code := run(t, f.env, "wallet", "import", foreign, "--wallet", f.wallet); code == 0 || !strings.Contains(errs, "another holder") {
		t.Fatalf("foreign credential: code %d: %s", code, errs)
	}
	// Signature check with the wrong issuer key.
	if _, errs, code := run(t, f.env, "wallet", "import", f.cred, "--wallet", f.wallet, "--issuer-jwk", otherHolder); code == 0 || !strings.Contains(errs, "does not verify") {
		t.Fatalf("wrong issuer key: code %d: %s", code, errs)
	}
	// Holder given as did:jwk works; default name; duplicates refused.
	did := strings.TrimSpace(mustRun(t, f.env, "wallet", "holder", "--wallet", f.wallet, "--format", "did"))
	mustRun(t, nil, f.issueArgs(did)...)
	mustRun(t, f.env, "wallet", "import", f.cred, "--wallet", f.wallet)
	if _, errs, code := run(t, f.env, "wallet", "import", f.cred, "--wallet", f.wallet); code == 0 || !strings.Contains(errs, "already in the wallet") {
		t.Fatalf("duplicate import: code %d: %s", code, errs)
	}
	if !strings.Contains(mustRun(t, f.env, "wallet", "list", "--wallet", f.wallet), "national-id") {
		t.Fatal("default name not derived from vct")
	}
	if _, errs, code := run(t, f.env, "wallet", "present", "national-id", "--wallet", f.wallet, "--disclose", "shoe_size", "--nonce", "n", "--aud", "a"); code == 0 || !strings.Contains(errs, "given_name") {
		t.Fatalf("unknown claim: code %d: %s", code, errs)
	}
}

func TestBadInputs(t *testing.T) {
	f := newFixture(t)
	notJSON := filepath.Join(f.dir, "bad.json")
	writeFile(t, notJSON, []byte(`{"a":1,"a":2}`), 0o644)
	badDate := filepath.Join(f.dir, "baddate.json")
	writeFile(t, badDate, []byte(`{"birthdate":"14/02/1990"}`), 0o644)
	reserved := filepath.Join(f.dir, "reserved.json")
	writeFile(t, reserved, []byte(`{"iss":"x"}`), 0o644)
	holder := filepath.Join(f.dir, "holder.jwk")
	missing := filepath.Join(f.dir, "missing")
	with := func(flag, value string) []string {
		a := f.issueArgs(holder)
		for i := range a {
			if a[i] == flag {
				a[i+1] = value
			}
		}
		return a
	}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"unknown command", nil, []string{"frobnicate"}, "unknown command"},
		{"key type", nil, []string{"key", "new", "--type", "rsa", "--out", filepath.Join(f.dir, "x.jwk")}, "unknown key type"},
		{"key no out", nil, []string{"key", "new"}, "--out is required"},
		{"key did missing file", nil, []string{"key", "did", missing}, "does not exist"},
		{"key did not a key", nil, []string{"key", "did", f.claims}, "not a JWK"},
		{"key did bad network", nil, []string{"key", "did", f.issKey, "--network", "UP:per"}, "invalid network"},
		{"key did no arg", nil, []string{"key", "did"}, "expected one key file"},
		{"issue missing flags", nil, []string{"issuer", "issue", "--key", f.issKey}, "missing required flag"},
		{"issue public key", nil, with("--key", f.issPub), "public key"},
		{"issue kid of other did", nil, with("--kid", "did:amanah:local:other#key-1"), "DID URL of the issuer"},
		{"issue iss not did", nil, with("--iss", "agency"), "not a DID"},
		{"issue vct not uri", nil, with("--vct", "national id"), "not a URI"},
		{"issue negative index", nil, with("--status-index", "-3"), "--status-index"},
		{"issue valid-for", nil, append(f.issueArgs(holder), "--valid-for", "-1h"), "--valid-for"},
		{"issue duplicate claim", nil, with("--claims", notJSON), "not a JSON object"},
		{"issue bad birthdate", nil, with("--claims", badDate), "birthdate"},
		{"issue reserved claim", nil, with("--claims", reserved), "registered claim"},
		{"issue holder missing", nil, with("--holder", missing), "does not exist"},
		{"issue holder bad did", nil, with("--holder", "did:jwk:xyz"), "invalid did:jwk"},
		{"wallet init twice", f.env, []string{"wallet", "init", "--wallet", f.wallet}, "already exists"},
		{"wallet init short pass", map[string]string{passphraseEnv: "short"}, []string{"wallet", "init", "--wallet", filepath.Join(f.dir, "w2.json")}, "too short"},
		{"wallet missing", f.env, []string{"wallet", "list", "--wallet", missing}, "wallet init"},
		{"import not sdjwt", f.env, []string{"wallet", "import", f.claims, "--wallet", f.wallet}, "not an SD-JWT"},
		{"import bad name", f.env, []string{"wallet", "import", f.cred, "--wallet", f.wallet, "--name", "a b"}, "invalid credential name"},
		{"present no nonce", f.env, []string{"wallet", "present", "x", "--wallet", f.wallet, "--aud", "a"}, "--nonce"},
		{"present unknown name", f.env, []string{"wallet", "present", "nope", "--wallet", f.wallet, "--nonce", "n", "--aud", "a"}, "no credential"},
		{"present empty path", f.env, []string{"wallet", "present", "x", "--wallet", f.wallet, "--disclose", "a,,b", "--nonce", "n", "--aud", "a"}, "empty claim"},
		{"verify no key source", nil, []string{"verify", "--presentation", f.cred, "--nonce", "n", "--aud", "a"}, "exactly one"},
		{"verify both key sources", nil, []string{"verify", "--presentation", f.cred, "--issuer-jwk", f.issPub, "--node", "https://127.0.0.1:1", "--nonce", "n", "--aud", "a"}, "exactly one"},
		{"verify no nonce", nil, []string{"verify", "--presentation", f.cred, "--issuer-jwk", f.issPub}, "--nonce"},
		{"verify missing file", nil, []string{"verify", "--presentation", missing, "--issuer-jwk", f.issPub, "--nonce", "n", "--aud", "a"}, "does not exist"},
		{"verify issued form", nil, []string{"verify", "--presentation", f.cred, "--issuer-jwk", f.issPub, "--nonce", "n", "--aud", "a"}, "kb_missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errs, code := run(t, c.env, c.args...)
			if code == 0 || !strings.Contains(errs, c.want) {
				t.Fatalf("code %d, stderr %q; want non-zero and %q", code, errs, c.want)
			}
		})
	}
}

// writeFile writes a test input, failing the test when it cannot.
func writeFile(t *testing.T, path string, data []byte, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, perm); err != nil {
		t.Fatal(err)
	}
}
