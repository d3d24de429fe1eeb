package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/ledger/node"
)

// updateTestdataEnv, when set, makes TestLedgerEndToEnd rewrite the evidence
// vectors in testdata/ (see testdata/README.md).
const updateTestdataEnv = "AMANAH_UPDATE_TESTDATA"

// TestLedgerEndToEnd runs trust-root, verify --node and verify-evidence
// against a real in-process chain (the only in-process network of this test
// binary): a trust root taken from the node, a credential of an accredited
// issuer verified through proofs, refused once revoked, credentials of an
// issuer unknown to the ledger or not accredited refused, and the evidence of
// the verifier's verdicts before and after the revocation re-checked offline.
func TestLedgerEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process chain")
	}
	w := chaintest.New(t)
	dir := t.TempDir()
	rpc := w.RPCURL()

	// trust-root: plaintext only when allowed; block 1 as the verifier's trust root.
	if _, errs, code := run(t, nil, "trust-root", "--node", rpc, "--height", "1"); code != 1 || !strings.Contains(errs, "--allow-plaintext") {
		t.Fatalf("plaintext without --allow-plaintext: code %d: %s", code, errs)
	}
	root := filepath.Join(dir, "trust-root.json")
	mustRun(t, nil, "trust-root", "--node", rpc, "--height", "1", "--allow-plaintext", "--out", root)
	rf, _, err := node.ReadTrustRootFile(root)
	require.NoError(t, err)
	want := w.TrustRoot()
	require.Equal(t, w.ChainID, rf.ChainID)
	require.EqualValues(t, 1, rf.Height)
	require.Equal(t, strings.ToUpper(rf.Hash), strings.ToUpper(hexOf(want.Hash)))
	if _, errs, code := run(t, nil, "trust-root", "--node", rpc, "--height", "1000000", "--allow-plaintext"); code != 1 || !strings.Contains(errs, "height 1000000") {
		t.Fatalf("height beyond the chain: code %d: %s", code, errs)
	}

	issuer := w.NewDID()
	w.AccreditIssuer("cli-issuer", issuer)
	list := w.CreateList(issuer)
	cred := w.Issue(issuer, "#key-1", issuer.Key, w.BlockTime(), chaintest.ListURI(list), 5)
	const nonce, aud = "n-ledger", chaintest.Audience
	vp := presentFile(t, dir, "p.txt", cred, nonce, aud)

	// The same node under two names: primary and witness.
	witness := strings.Replace(rpc, "127.0.0.1", "localhost", 1)
	verify := func(vp string, extra ...string) (verifyResult, int) {
		t.Helper()
		args := append([]string{"verify", "--presentation", vp, "--node", rpc, "--trust-root", root, "--allow-plaintext",
			"--nonce", nonce, "--aud", aud, "--timeout", "30s", "--freshness", "30s"}, extra...)
		out, errs, code := run(t, nil, args...)
		var r verifyResult
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %q (stderr %s)", err, out, errs)
		}
		return r, code
	}
	r, code := verify(vp, "--node", witness)
	if code != 0 || !r.Verified || r.Accredited == nil || !*r.Accredited || r.Status == nil || r.Status.Value == nil ||
		*r.Status.Value != 0 || r.Status.State != "valid" || r.Ledger == nil || r.Ledger.ChainID != w.ChainID ||
		r.Ledger.Height < 2 || r.Ledger.TrustRootHeight != 1 || r.Ledger.Nodes != 2 || r.Issuer != issuer.ID ||
		r.Claims["given_name"] != "Aminah" || !strings.Contains(r.Note, "Merkle proof") {
		t.Fatalf("code %d result %+v", code, r)
	}

	// An issuer the ledger does not know: its key is not on the ledger.
	stranger, err := keys.Generate(keys.Ed25519)
	require.NoError(t, err)
	ghost := &chaintest.DID{ID: didcore.AmanahDID(w.Network, stranger.Public()), Key: stranger}
	ghostVP := presentFile(t, dir, "ghost.txt", w.Issue(ghost, "#key-1", stranger, w.BlockTime(), chaintest.ListURI(list), 6), nonce, aud)
	if r, code := verify(ghostVP); code != 1 || r.Verified || r.Reason != "unknown_kid" {
		t.Fatalf("unknown issuer: code %d result %+v", code, r)
	}
	// An issuer on the ledger but not accredited, with its own list.
	unaccredited := w.NewDID()
	ulist := w.CreateList(unaccredited)
	uVP := presentFile(t, dir, "unaccredited.txt", w.Issue(unaccredited, "#key-1", unaccredited.Key, w.BlockTime(), chaintest.ListURI(ulist), 1), nonce, aud)
	if r, code := verify(uVP); code != 1 || r.Verified || r.Reason != "issuer_not_accredited" || r.Accredited == nil || *r.Accredited ||
		r.Status == nil || r.Status.State != "valid" {
		t.Fatalf("unaccredited issuer: code %d result %+v", code, r)
	}
	// A credential pointing at another issuer's list.
	otherVP := presentFile(t, dir, "other-list.txt", w.Issue(issuer, "#key-1", issuer.Key, w.BlockTime(), chaintest.ListURI(ulist), 2), nonce, aud)
	if r, code := verify(otherVP); code != 1 || r.Verified || r.Reason != "status_list_wrong_owner" {
		t.Fatalf("another issuer's list: code %d result %+v", code, r)
	}

	// The verifier service's evidence of a verified verdict, re-checked offline.
	view := w.OpenView(ledger.Config{Freshness: 30 * time.Second})
	svc := w.NewVerifier(view.Cache, view.Evidence)
	res := svc.VerifyWithEvidence(cred)
	require.True(t, res.Verified, res.Reason)
	require.NotNil(t, res.Evidence)
	evOK := writeEvidence(t, dir, "evidence-verified.json", res.Evidence)
	out := mustRun(t, nil, "verify-evidence", "--evidence", evOK, "--trust-root", root)
	var er evidenceResult
	require.NoError(t, json.Unmarshal([]byte(out), &er))
	require.True(t, er.EvidenceVerified && er.SupportsVerified, out)

	// Revoked: verify refuses; the verdict's evidence verifies but does not support "verified".
	tx := w.Revoke(issuer, list, 5, 1)
	w.WaitHeight(tx.Height + 1)
	require.Eventually(t, func() bool {
		r, code := verify(vp)
		return code == 1 && r.Reason == "revoked" && r.Status != nil && r.Status.State == "revoked"
	}, 30*time.Second, 500*time.Millisecond, "verify after the revocation")
	require.Eventually(t, func() bool {
		res = svc.VerifyWithEvidence(cred)
		return res.Reason == "revoked" && res.Evidence != nil
	}, 30*time.Second, 200*time.Millisecond, "verifier service after the revocation")
	evRevoked := writeEvidence(t, dir, "evidence-revoked.json", res.Evidence)
	out, errs, code := run(t, nil, "verify-evidence", "--evidence", evRevoked, "--trust-root", root)
	if code != evidenceNotSupporting || !strings.Contains(out, `"supports_verified": false`) || !strings.Contains(errs, "revoked") {
		t.Fatalf("revoked evidence: code %d: %s\n%s", code, out, errs)
	}

	// A trust root newer than the evidence cannot vouch for it.
	later := filepath.Join(dir, "trust-root-later.json")
	mustRun(t, nil, "trust-root", "--node", rpc, "--allow-plaintext", "--out", later)
	if _, errs, code := run(t, nil, "verify-evidence", "--evidence", evOK, "--trust-root", later); code != evidenceInvalid || !strings.Contains(errs, "use an older anchor") {
		t.Fatalf("later anchor: code %d: %s", code, errs)
	}

	if os.Getenv(updateTestdataEnv) != "" {
		for _, name := range []string{"trust-root.json", "trust-root-later.json", "evidence-verified.json", "evidence-revoked.json"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join("testdata", name), b, 0o644))
		}
		t.Logf("wrote the evidence vectors to testdata/")
	}
}

// presentFile presents c (disclosing given_name) for nonce and aud into dir/name.
func presentFile(t *testing.T, dir, name string, c *chaintest.Credential, nonce, aud string) string {
	t.Helper()
	p, err := c.SDJWT.Present(context.Background(), []string{"given_name"},
		&sdjwt.KeyBinding{Signer: jws.NewKeySigner(c.Key), Nonce: nonce, Audience: aud})
	require.NoError(t, err)
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(p), 0o600))
	return path
}
