//go:build interop

package interop

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/openid4vp"
	"github.com/amanah-id/amanah/openid4vp/holder"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/oid4vptest"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// holderResult is what vp_holder.mjs prints.
type holderResult struct {
	ClientIDPrefix string              `json:"client_id_prefix"`
	ClientID       string              `json:"client_id"`
	SignerDIDURL   string              `json:"signer_did_url"`
	Version        int                 `json:"version"`
	ResponseMode   string              `json:"response_mode"`
	DCQLSatisfied  bool                `json:"dcql_satisfied"`
	Disclosed      map[string][]string `json:"disclosed"`
	Encrypted      bool                `json:"encrypted"`
	Status         int                 `json:"status"`
	Body           json.RawMessage     `json:"body"`
}

// verifierResult is what vp_verifier.mjs prints.
type verifierResult struct {
	ResponseMode  string         `json:"response_mode"`
	Encrypted     bool           `json:"encrypted"`
	StateMatched  bool           `json:"state_matched"`
	QueryIDs      []string       `json:"query_ids"`
	SDJWTVerified bool           `json:"sd_jwt_verified"`
	KBNonce       string         `json:"kb_nonce"`
	KBAud         string         `json:"kb_aud"`
	Nonce         string         `json:"nonce"`
	ClientID      string         `json:"client_id"`
	DCQLSatisfied bool           `json:"dcql_satisfied"`
	Claims        map[string]any `json:"claims"`
	Error         string         `json:"error"`
	Aborted       bool           `json:"aborted"`
	Fetched       bool           `json:"request_fetched"`
}

// TestOpenID4VPInterop runs OpenID4VP 1.0 both ways against the OpenWallet Foundation
// TypeScript libraries on a real in-process chain: their holder (@openid4vc/openid4vp client,
// dcql, @sd-jwt/sd-jwt-vc) answers requests our verifier created, over direct_post.jwt and
// direct_post, and our verifier says verified (a KB-JWT with a wrong nonce or aud is refused);
// then our wallet (openid4vp/holder, what `amanah wallet present` runs) answers a request
// their verifier-side API created, signed and served, and their API validates our response and
// its DCQL result; a request of theirs carrying transaction_data is refused by our wallet.
func TestOpenID4VPInterop(t *testing.T) {
	w := chaintest.New(t)
	issuer := w.NewDID()
	w.AccreditIssuer("interop-vp-issuer", issuer)
	list := w.CreateList(issuer)
	cred := w.Issue(issuer, "#key-1", issuer.Key, w.BlockTime(), chaintest.ListURI(list), 1)
	oid4vptest.RegisterClientID(w, 2)
	v := oid4vptest.Start(t, w, oid4vptest.Options{})
	ctx := context.Background()
	bank := oid4vptest.Ctx(ctx)

	// The Bank's request-signing key as the ledger has it (their side has no did:amanah resolver).
	kid := w.Bank.ID + oid4vptest.KeyFrag
	rpKey, err := ledger.HolderLedger{View: v.View.Cache}.AssertionKey(ctx, w.Bank.ID, kid)
	require.NoError(t, err)
	rpJWK := mustJWK(t, rpKey.JWK)
	holderJWK := mustJWK(t, cred.Key.JWK)
	credential := oid4vptest.IssuanceForm(t, cred)

	t.Run("their holder answers our verifier", func(t *testing.T) {
		for _, mode := range []string{openid4vp.ModeDirectPostJWT, openid4vp.ModeDirectPost} {
			req, err := v.Client.CreatePresentationRequest(bank, &verifierpb.CreatePresentationRequestRequest{
				VctValues: []string{trusttypes.NationalIDVCT}, Claims: []string{"age_over_18", "given_name"}, ResponseMode: mode})
			require.NoError(t, err)
			var got holderResult
			runNode(t, "vp_holder.mjs", map[string]string{"REQUEST_URI": req.RequestUri, "CREDENTIAL": credential,
				"HOLDER_JWK": holderJWK, "RP_KID": kid, "RP_JWK": rpJWK}, &got)
			require.Equal(t, "decentralized_identifier", got.ClientIDPrefix)
			require.Equal(t, req.ClientId, got.ClientID)
			require.Equal(t, kid, got.SignerDIDURL)
			require.Equal(t, 100, got.Version, "the library reads our request as OpenID4VP 1.0 final")
			require.Equal(t, mode, got.ResponseMode)
			require.Equal(t, mode == openid4vp.ModeDirectPostJWT, got.Encrypted)
			require.True(t, got.DCQLSatisfied)
			require.ElementsMatch(t, []string{"age_over_18", "given_name"}, got.Disclosed["credential"])
			require.Equal(t, 200, got.Status, "%s", got.Body)

			res, err := v.Client.GetPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: req.TransactionId})
			require.NoError(t, err)
			require.Equal(t, "complete", res.Status)
			require.True(t, res.Verified, "%s: %s", mode, res.Reason)
			require.Len(t, res.Credentials, 1)
			require.Equal(t, "credential", res.Credentials[0].CredentialQueryId)
			require.Equal(t, map[string]string{"age_over_18": "true", "given_name": `"Aminah"`}, res.Credentials[0].Verdict.DisclosedClaims)
			require.Equal(t, issuer.ID, res.Credentials[0].Verdict.Issuer)
		}
		// Same-device: our verifier answers their holder with the redirect and its response_code,
		// which the result needs.
		req, err := v.Client.CreatePresentationRequest(bank, &verifierpb.CreatePresentationRequestRequest{
			VctValues: []string{trusttypes.NationalIDVCT}, Claims: []string{"age_over_18"}, RedirectUri: "http://127.0.0.1:8090/done"})
		require.NoError(t, err)
		var got holderResult
		runNode(t, "vp_holder.mjs", map[string]string{"REQUEST_URI": req.RequestUri, "CREDENTIAL": credential,
			"HOLDER_JWK": holderJWK, "RP_KID": kid, "RP_JWK": rpJWK}, &got)
		require.Equal(t, 200, got.Status, "%s", got.Body)
		var answer struct {
			RedirectURI string `json:"redirect_uri"`
		}
		require.NoError(t, json.Unmarshal(got.Body, &answer), "%s", got.Body)
		code, ok := strings.CutPrefix(answer.RedirectURI, "http://127.0.0.1:8090/done#response_code=")
		require.True(t, ok, answer.RedirectURI)
		res, err := v.Client.GetPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: req.TransactionId, ResponseCode: code})
		require.NoError(t, err)
		require.True(t, res.Verified, res.Reason)

		// Their holder with a KB-JWT bound to another nonce or audience: our verifier refuses.
		for tamper, want := range map[string]string{"nonce": "nonce", "aud": "aud"} {
			req, err := v.Client.CreatePresentationRequest(bank, &verifierpb.CreatePresentationRequestRequest{
				VctValues: []string{trusttypes.NationalIDVCT}, Claims: []string{"age_over_18"}})
			require.NoError(t, err)
			var got holderResult
			runNode(t, "vp_holder.mjs", map[string]string{"REQUEST_URI": req.RequestUri, "CREDENTIAL": credential,
				"HOLDER_JWK": holderJWK, "RP_KID": kid, "RP_JWK": rpJWK, "TAMPER": tamper}, &got)
			require.Equal(t, 400, got.Status, "%s", got.Body)
			require.Contains(t, string(got.Body), want, tamper)
			res, err := v.Client.GetPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: req.TransactionId})
			require.NoError(t, err)
			require.False(t, res.Verified, tamper)
		}
	})

	t.Run("our wallet answers their verifier", func(t *testing.T) {
		bankJWK := mustJWK(t, w.Bank.Key.JWK)
		issuerKey, err := ledger.HolderLedger{View: v.View.Cache}.AssertionKey(ctx, issuer.ID, issuer.ID+"#key-1")
		require.NoError(t, err)
		for _, c := range []struct {
			mode   string
			txData bool // a transaction_data entry: our wallet refuses the request
		}{{openid4vp.ModeDirectPostJWT, false}, {openid4vp.ModeDirectPost, false}, {openid4vp.ModeDirectPost, true}} {
			uriFile := filepath.Join(t.TempDir(), "request-uri")
			done := make(chan error, 1)
			go func() {
				// Our wallet waits for their verifier to publish its request URI, then answers it
				// (or, refusing, tells the script to stop waiting).
				deadline := time.Now().Add(90 * time.Second)
				for time.Now().Before(deadline) {
					b, err := os.ReadFile(uriFile)
					if err != nil || !strings.HasSuffix(string(b), "\n") {
						time.Sleep(50 * time.Millisecond)
						continue
					}
					uri := strings.TrimSpace(string(b))
					_, err = holder.Present(ctx, uri, oid4vptest.Wallet(t, v.View.Cache, cred))
					if err != nil {
						_, requestURI, _ := openid4vp.ParseURI(uri)
						if resp, perr := http.Post(strings.TrimSuffix(requestURI, "/request")+"/abort", "text/plain", nil); perr == nil {
							_ = resp.Body.Close()
						}
					}
					done <- err
					return
				}
				done <- os.ErrDeadlineExceeded
			}()
			env := map[string]string{"RP_DID": w.Bank.ID, "RP_KID": kid, "RP_PRIVATE_JWK": bankJWK,
				"ISSUER_KID": issuer.ID + "#key-1", "ISSUER_JWK": mustJWK(t, issuerKey.JWK), "VCT": trusttypes.NationalIDVCT,
				"RESPONSE_MODE": c.mode, "URI_FILE": uriFile}
			if c.txData {
				env["TX_DATA"] = "1"
			}
			var got verifierResult
			runNode(t, "vp_verifier.mjs", env, &got)
			err := <-done
			if c.txData {
				require.Equal(t, openid4vp.CodeRequestInvalid, openid4vp.CodeOf(err), "%v", err)
				require.ErrorContains(t, err, "transaction_data")
				require.True(t, got.Aborted)
				require.True(t, got.Fetched)
				continue
			}
			require.NoError(t, err, c.mode)
			require.Empty(t, got.Error)
			require.Equal(t, c.mode, got.ResponseMode)
			require.Equal(t, c.mode == openid4vp.ModeDirectPostJWT, got.Encrypted)
			require.True(t, got.StateMatched)
			require.Equal(t, []string{"pid"}, got.QueryIDs)
			require.True(t, got.SDJWTVerified)
			require.Equal(t, got.Nonce, got.KBNonce)
			require.Equal(t, openid4vp.ClientIDOf(w.Bank.ID), got.ClientID)
			require.Equal(t, got.ClientID, got.KBAud)
			require.True(t, got.DCQLSatisfied)
			require.Equal(t, map[string]any{"age_over_18": true, "given_name": "Aminah"}, got.Claims)
		}
	})
}

func mustJWK(t *testing.T, f func() ([]byte, error)) string {
	t.Helper()
	b, err := f()
	require.NoError(t, err)
	return string(b)
}
