package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/cmd/amanah/internal/wallet"
	"github.com/amanah-id/amanah/openid4vp"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/oid4vptest"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// TestWalletPresentOpenID4VP answers a bank's OpenID4VP request with
// `amanah wallet present <openid4vp-uri>` on a real in-process chain: no
// consent (no --yes, nothing on stdin) sends nothing; --yes presents only
// the claim asked, and the bank reads the verdict; bad request URIs are
// refused with their reason.
func TestWalletPresentOpenID4VP(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process chain")
	}
	w := chaintest.New(t)
	issuer := w.NewDID()
	w.AccreditIssuer("cli-oid4vp-issuer", issuer)
	list := w.CreateList(issuer)
	cred := w.Issue(issuer, "#key-1", issuer.Key, w.BlockTime(), chaintest.ListURI(list), 1)
	oid4vptest.RegisterClientID(w, 2)
	v := oid4vptest.Start(t, w, oid4vptest.Options{})

	dir := t.TempDir()
	root := filepath.Join(dir, "trust-root.json")
	mustRun(t, nil, "trust-root", "--node", w.RPCURL(), "--height", "1", "--allow-plaintext", "--out", root)
	wpath := filepath.Join(dir, "wallet.json")
	const pass = "correct horse battery"
	wl, err := wallet.Create(wpath, []byte(pass), cred.Key, wallet.KDFParams{N: 1 << 15, R: 8, P: 1})
	require.NoError(t, err)
	require.NoError(t, wl.Add(wallet.Credential{Name: "national-id", SDJWT: oid4vptest.IssuanceForm(t, cred), ImportedAt: time.Now().UTC().Truncate(time.Second)}))
	require.NoError(t, wl.Save())
	env := map[string]string{passphraseEnv: pass}

	bank := oid4vptest.Ctx(context.Background())
	req, err := v.Client.CreatePresentationRequest(bank, &verifierpb.CreatePresentationRequestRequest{
		VctValues: []string{trusttypes.NationalIDVCT}, Claims: []string{"given_name"}})
	require.NoError(t, err)
	present := func(uri string, extra ...string) (string, string, int) {
		args := append([]string{"wallet", "present", uri, "--wallet", wpath, "--node", w.RPCURL(), "--trust-root", root,
			"--allow-plaintext", "--freshness", "60s"}, extra...)
		return run(t, env, args...)
	}

	// No consent: nothing leaves the wallet, the transaction stays pending.
	out, errs, code := present(req.RequestUri)
	require.Equal(t, 1, code, "%s\n%s", out, errs)
	require.Contains(t, errs, "consent_refused")
	require.Contains(t, out, "Bank Amanah Berhad")
	require.Contains(t, out, "given_name")
	res, err := v.Client.GetPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: req.TransactionId})
	require.NoError(t, err)
	require.Equal(t, "pending", res.Status)

	out, errs, code = present(req.RequestUri, "--yes")
	require.Equal(t, 0, code, "%s\n%s", out, errs)
	require.Contains(t, out, "Presented to Bank Amanah Berhad")
	res, err = v.Client.GetPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: req.TransactionId})
	require.NoError(t, err)
	require.True(t, res.Verified, res.Reason)
	require.Equal(t, map[string]string{"given_name": `"Aminah"`}, res.Credentials[0].Verdict.DisclosedClaims)

	// Bad request URIs, each with its reason.
	_, requestURI, err := openid4vp.ParseURI(req.RequestUri)
	require.NoError(t, err)
	for uri, want := range map[string]openid4vp.Code{
		"openid4vp://?client_id=x":                                            openid4vp.CodeRequestURIInvalid,
		"openid4vp://?client_id=x509_san_dns:a&request_uri=https://a/b":       openid4vp.CodeClientIDPrefix,
		openid4vp.BuildURI(req.ClientId, v.PublicURL+"/oid4vp/requests/nope"): openid4vp.CodeRequestFetchFailed,
		// The request object of another client id than the request URI's.
		openid4vp.BuildURI(openid4vp.ClientIDOf(w.Body.ID), requestURI): openid4vp.CodeClientIDMismatch,
	} {
		_, errs, code := present(uri, "--yes")
		require.Equal(t, 1, code, uri)
		require.Contains(t, errs, string(want), uri)
	}
}
