package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// The committed vectors (testdata/README.md): evidence the verifier service
// gave with a verified verdict and with a refused one (revoked), the trust
// root they are checked against, and a trust root newer than both.
var (
	vecRoot      = filepath.Join("testdata", "trust-root.json")
	vecRootLater = filepath.Join("testdata", "trust-root-later.json")
	vecVerified  = filepath.Join("testdata", "evidence-verified.json")
	vecRevoked   = filepath.Join("testdata", "evidence-revoked.json")
)

func hexOf(b []byte) string { return hex.EncodeToString(b) }

// writeEvidence writes ev as verify-evidence reads it (node.MarshalEvidence).
func writeEvidence(t *testing.T, dir, name string, ev *verifierpb.Evidence) string {
	t.Helper()
	b, err := node.MarshalEvidence(ev)
	require.NoError(t, err)
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return path
}

func readEvidence(t *testing.T, path string) *verifierpb.Evidence {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	ev, err := node.UnmarshalEvidence(b)
	require.NoError(t, err)
	return ev
}

func readRootFile(t *testing.T, path string) node.TrustRootFile {
	t.Helper()
	rf, _, err := node.ReadTrustRootFile(path)
	require.NoError(t, err)
	return rf
}

// verifyEvidence runs verify-evidence and decodes its JSON (when it printed any).
func verifyEvidence(t *testing.T, ev, root string) (evidenceResult, string, int) {
	t.Helper()
	out, errs, code := run(t, nil, "verify-evidence", "--evidence", ev, "--trust-root", root)
	var r evidenceResult
	if out != "" {
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %q", err, out)
		}
	}
	return r, errs, code
}

func TestVerifyEvidenceVectors(t *testing.T) {
	r, errs, code := verifyEvidence(t, vecVerified, vecRoot)
	if code != evidenceSupports || !r.EvidenceVerified || !r.SupportsVerified || r.Report == nil || r.Facts == 0 ||
		r.IssuerKey != "" || !r.AccreditedAtIssuance || !r.AccreditedAtCheck || r.Status != 0 || !r.RelyingPartyAllowed ||
		!r.SchemaRegistered || r.Subject == nil || r.Subject.Issuer == "" || r.TrustRoot.Height != 1 || len(r.NotSupported) != 0 {
		t.Fatalf("code %d (%s): %+v", code, errs, r)
	}
	ev := readEvidence(t, vecVerified)
	if r.Height != ev.Height || r.ChainID != ev.ChainId || r.Subject.KeyID != ev.Subject.Kid {
		t.Fatalf("report %+v of evidence %d %s", r.Report, ev.Height, ev.ChainId)
	}

	r, errs, code = verifyEvidence(t, vecRevoked, vecRoot)
	if code != evidenceNotSupporting || !r.EvidenceVerified || r.SupportsVerified || r.Status != 1 ||
		len(r.NotSupported) != 1 || !strings.Contains(r.NotSupported[0], "revoked") || !strings.Contains(errs, "does not support") {
		t.Fatalf("revoked: code %d (%s): %+v", code, errs, r)
	}
	// The REST gateway's JSON of the same evidence (proto field names, defaults emitted).
	var rest bytes.Buffer
	require.NoError(t, (&jsonpb.Marshaler{OrigName: true, EmitDefaults: true}).Marshal(&rest, readEvidence(t, vecVerified)))
	require.Contains(t, rest.String(), `"light_block"`)
	restFile := filepath.Join(t.TempDir(), "rest.json")
	require.NoError(t, os.WriteFile(restFile, rest.Bytes(), 0o600))
	if r, errs, code := verifyEvidence(t, restFile, vecRoot); code != evidenceSupports || !r.SupportsVerified {
		t.Fatalf("REST form: code %d (%s): %+v", code, errs, r)
	}

	// The evidence of both verdicts is anchored by the same old trust root, and
	// checked with no node at all: nothing in it expires.
	if a, b := readEvidence(t, vecVerified), readEvidence(t, vecRevoked); b.Height <= a.Height {
		t.Fatalf("revoked evidence at %d, verified at %d", b.Height, a.Height)
	}
}

// TestVerifyEvidenceMalformed: evidence that does not verify (exit 2, JSON
// with evidence_verified false), and inputs that cannot be checked (exit 3).
func TestVerifyEvidenceMalformed(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(vecVerified)
	require.NoError(t, err)
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	mutate := func(name string, f func(ev *verifierpb.Evidence)) string {
		ev := readEvidence(t, vecVerified)
		f(ev)
		return writeEvidence(t, dir, name, ev)
	}
	valued := func(ev *verifierpb.Evidence) *verifierpb.ProvedFact {
		for _, f := range ev.Facts {
			if len(f.Value) > 0 {
				return f
			}
		}
		t.Fatal("no fact with a value in the vector")
		return nil
	}
	later := readRootFile(t, vecRootLater)
	laterLB, err := base64.StdEncoding.DecodeString(later.LightBlock)
	require.NoError(t, err)
	rootJSON, err := os.ReadFile(vecRoot)
	require.NoError(t, err)
	var rf map[string]any
	require.NoError(t, json.Unmarshal(rootJSON, &rf))
	rootWith := func(name, key string, v any) string {
		m := map[string]any{}
		for k, x := range rf {
			m[k] = x
		}
		m[key] = v
		b, _ := json.Marshal(m)
		return file(name, string(b))
	}

	invalid := []struct {
		name, ev, root, want string
	}{
		{"empty file", file("empty.json", ""), vecRoot, "empty"},
		{"blank file", file("blank.json", " \n\t"), vecRoot, "empty"},
		{"not JSON", file("text.json", "evidence of a verdict"), vecRoot, "not a JSON object"},
		{"JSON array", file("array.json", "[1,2]"), vecRoot, "not a JSON object"},
		{"truncated", file("truncated.json", string(good[:len(good)/2])), vecRoot, "not a JSON object"},
		{"duplicate name", file("dup.json", `{"chainId":"other",`+strings.TrimPrefix(strings.TrimSpace(string(good)), "{")), vecRoot, "duplicate"},
		{"unknown field", file("unknown.json", `{"verdict":"verified",`+strings.TrimPrefix(strings.TrimSpace(string(good)), "{")), vecRoot, "unknown field"},
		{"no subject", mutate("nosubject.json", func(ev *verifierpb.Evidence) { ev.Subject = nil }), vecRoot, "no subject"},
		{"wrong chain id", mutate("chain.json", func(ev *verifierpb.Evidence) { ev.ChainId = "amanah-other" }), vecRoot, "does not verify"},
		{"light block of another height", mutate("otherlb.json", func(ev *verifierpb.Evidence) { ev.LightBlock = laterLB }), vecRoot, "does not commit state"},
		{"height changed", mutate("height.json", func(ev *verifierpb.Evidence) { ev.Height-- }), vecRoot, "does not commit state"},
		{"flipped byte in a fact value", mutate("value.json", func(ev *verifierpb.Evidence) {
			f := valued(ev)
			f.Value[len(f.Value)/2] ^= 0x01
		}), vecRoot, "does not verify"},
		{"fact value claimed absent", mutate("absent.json", func(ev *verifierpb.Evidence) { valued(ev).Value = nil }), vecRoot, "does not verify"},
		{"flipped byte in a fact key", mutate("key.json", func(ev *verifierpb.Evidence) {
			f := valued(ev)
			f.Key[len(f.Key)-1] ^= 0x01
		}), vecRoot, "does not verify"},
		{"flipped byte in a proof", mutate("proof.json", func(ev *verifierpb.Evidence) {
			f := valued(ev)
			f.ProofOps[len(f.ProofOps)-3] ^= 0x01
		}), vecRoot, "does not verify"},
		{"flipped byte in the light block's app hash", mutate("apphash.json", func(ev *verifierpb.Evidence) {
			i := bytes.Index(ev.LightBlock, lbAppHash(t, ev))
			require.Positive(t, i)
			ev.LightBlock[i] ^= 0x01
		}), vecRoot, "does not verify"},
		{"flipped byte in the middle of the light block", mutate("lb.json", func(ev *verifierpb.Evidence) {
			ev.LightBlock[len(ev.LightBlock)/2] ^= 0x01
		}), vecRoot, "does not verify"},
		{"a fact removed", mutate("removed.json", func(ev *verifierpb.Evidence) { ev.Facts = ev.Facts[1:] }), vecRoot, "lacks"},
		{"all facts removed", mutate("nofacts.json", func(ev *verifierpb.Evidence) { ev.Facts = nil }), vecRoot, "lacks"},
		{"subject moved to another relying party", mutate("rp.json", func(ev *verifierpb.Evidence) {
			ev.Subject.RelyingParty = ev.Subject.Issuer
		}), vecRoot, "lacks"},
		{"anchor newer than the evidence", vecVerified, vecRootLater, "use an older anchor"},
	}
	for _, c := range invalid {
		t.Run(c.name, func(t *testing.T) {
			r, errs, code := verifyEvidence(t, c.ev, c.root)
			if code != evidenceInvalid || r.EvidenceVerified || r.SupportsVerified || !strings.Contains(r.Error, c.want) ||
				!strings.Contains(errs, "does not verify (it proves nothing)") {
				t.Fatalf("code %d, error %q, stderr %q; want %d and %q", code, r.Error, errs, evidenceInvalid, c.want)
			}
		})
	}

	notChecked := []struct {
		name string
		args []string
		want string
	}{
		{"no flags", nil, "--evidence and --trust-root are required"},
		{"no trust root", []string{"--evidence", vecVerified}, "are required"},
		{"evidence missing", []string{"--evidence", filepath.Join(dir, "missing.json"), "--trust-root", vecRoot}, "does not exist"},
		{"trust root missing", []string{"--evidence", vecVerified, "--trust-root", filepath.Join(dir, "missing.json")}, "does not exist"},
		{"trust root not JSON", []string{"--evidence", vecVerified, "--trust-root", file("root-text.json", "root")}, "trust root"},
		{"trust root of another chain", []string{"--evidence", vecVerified, "--trust-root", rootWith("root-chain.json", "chain_id", "amanah-other")}, "trust root"},
		{"trust root hash not its block's", []string{"--evidence", vecVerified, "--trust-root", rootWith("root-hash.json", "hash", strings.Repeat("ab", 32))}, "is not height"},
		{"trust root height not its block's", []string{"--evidence", vecVerified, "--trust-root", rootWith("root-height.json", "height", 2)}, "is not height"},
		{"unknown flag", []string{"--evidence", vecVerified, "--trust-root", vecRoot, "--node", "https://x"}, "unknown flag"},
		{"argument", []string{"--evidence", vecVerified, "--trust-root", vecRoot, "extra"}, "no arguments"},
	}
	for _, c := range notChecked {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := run(t, nil, append([]string{"verify-evidence"}, c.args...)...)
			if code != evidenceNotChecked || out != "" || !strings.Contains(errs, c.want) {
				t.Fatalf("code %d, stdout %q, stderr %q; want %d and %q", code, out, errs, evidenceNotChecked, c.want)
			}
		})
	}
}

// lbAppHash returns the app hash bytes of the evidence's light block header.
func lbAppHash(t *testing.T, ev *verifierpb.Evidence) []byte {
	t.Helper()
	lb, err := proved.DecodeLightBlock(ev.ChainId, ev.LightBlock)
	require.NoError(t, err)
	return lb.AppHash
}
