package oid4vptest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/openid4vp"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// fetchRequest fetches and verifies the request object of uri as a wallet does.
func fetchRequest(t *testing.T, view ledger.View, uri string) *openid4vp.Verified {
	t.Helper()
	clientID, requestURI, err := openid4vp.ParseURI(uri)
	require.NoError(t, err)
	hr, err := http.Get(requestURI)
	require.NoError(t, err)
	defer hr.Body.Close()
	require.Equal(t, http.StatusOK, hr.StatusCode)
	require.Equal(t, openid4vp.ContentTypeRequest, hr.Header.Get("Content-Type"))
	b, err := io.ReadAll(hr.Body)
	require.NoError(t, err)
	hl := ledger.HolderLedger{View: view}
	v, err := openid4vp.VerifyRequest(context.Background(), string(b), clientID,
		func(ctx context.Context, did, kid string) (keys.PublicKey, error) {
			return hl.AssertionKey(ctx, did, kid)
		}, time.Now())
	require.NoError(t, err)
	return v
}

// post posts body (a form) to the response endpoint and returns the HTTP status and the reason.
func post(t *testing.T, publicURL, contentType, body string) (int, string) {
	t.Helper()
	hr, err := http.Post(publicURL+"/oid4vp/response", contentType, strings.NewReader(body))
	require.NoError(t, err)
	defer hr.Body.Close()
	var e struct {
		Reason string `json:"reason"`
	}
	b, _ := io.ReadAll(hr.Body)
	_ = json.Unmarshal(b, &e)
	return hr.StatusCode, e.Reason
}

func present(t *testing.T, c *chaintest.Credential, nonce, aud string, claims ...string) string {
	t.Helper()
	p, err := c.SDJWT.Present(context.Background(), claims, &sdjwt.KeyBinding{Signer: jws.NewKeySigner(c.Key), Nonce: nonce, Audience: aud})
	require.NoError(t, err)
	return p
}

func form(vp map[string][]string, st string) string {
	b, _ := json.Marshal(vp)
	return url.Values{"vp_token": {string(b)}, "state": {st}}.Encode()
}

// badInputs posts every malformed response to fresh requests of v and
// checks its stable reason, and that the request is still pending and then
// answerable (nothing changed).
func badInputs(t *testing.T, w *chaintest.World, v *Verifier, cred *chaintest.Credential) {
	ctx := Ctx(context.Background())
	newReq := func(mode string) (*verifierpb.CreatePresentationRequestResponse, *openid4vp.Verified) {
		r, err := v.Client.CreatePresentationRequest(ctx, &verifierpb.CreatePresentationRequestRequest{
			VctValues: []string{trusttypes.NationalIDVCT}, Claims: []string{"given_name"}, ResponseMode: mode})
		require.NoError(t, err)
		return r, fetchRequest(t, v.View.Cache, r.RequestUri)
	}
	const form_ = "application/x-www-form-urlencoded"
	wrongKey, err := openid4vp.NewEncryptionKey("")
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		mode string
		body func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (ct, body string)
		want string
	}{
		"missing state": {openid4vp.ModeDirectPost, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			return form_, url.Values{"vp_token": {`{"credential":["x~"]}`}}.Encode()
		}, "state_missing"},
		"wrong state": {openid4vp.ModeDirectPost, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			return form_, form(map[string][]string{"credential": {present(t, cred, r.Nonce, r.ClientId, "given_name")}}, "not-a-state")
		}, "state_unknown"},
		"wrong nonce": {openid4vp.ModeDirectPost, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			return form_, form(map[string][]string{"credential": {present(t, cred, "another-nonce", r.ClientId, "given_name")}}, ro.State)
		}, "nonce_mismatch"},
		"wrong aud": {openid4vp.ModeDirectPost, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			return form_, form(map[string][]string{"credential": {present(t, cred, r.Nonce, chaintest.Audience, "given_name")}}, ro.State)
		}, "aud_mismatch"},
		"dcql unmet": {openid4vp.ModeDirectPost, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			return form_, form(map[string][]string{"credential": {present(t, cred, r.Nonce, r.ClientId, "family_name")}}, ro.State)
		}, "dcql_unmet"},
		"unknown query id": {openid4vp.ModeDirectPost, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			return form_, form(map[string][]string{"other": {present(t, cred, r.Nonce, r.ClientId, "given_name")}}, ro.State)
		}, "vp_token_invalid"},
		"two presentations": {openid4vp.ModeDirectPost, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			p := present(t, cred, r.Nonce, r.ClientId, "given_name")
			return form_, form(map[string][]string{"credential": {p, p}}, ro.State)
		}, "vp_token_invalid"},
		"garbage presentation": {openid4vp.ModeDirectPost, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			return form_, form(map[string][]string{"credential": {"not-an-sd-jwt"}}, ro.State)
		}, "malformed"},
		"vp_token not json": {openid4vp.ModeDirectPost, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			return form_, url.Values{"vp_token": {"{"}, "state": {ro.State}}.Encode()
		}, "vp_token_invalid"},
		"not encrypted": {openid4vp.ModeDirectPostJWT, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			return form_, form(map[string][]string{"credential": {present(t, cred, r.Nonce, r.ClientId, "given_name")}}, ro.State)
		}, "response_not_encrypted"},
		"encrypted for direct_post": {openid4vp.ModeDirectPost, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			k, _ := openid4vp.NewEncryptionKey(ro.State)
			pub := k.Private.Public()
			jwe, err := openid4vp.EncryptResponse(&pub, openid4vp.EncA128GCM, &openid4vp.Response{State: ro.State,
				VPToken: map[string][]string{"credential": {present(t, cred, r.Nonce, r.ClientId, "given_name")}}})
			require.NoError(t, err)
			return form_, url.Values{"response": {jwe}}.Encode()
		}, "response_malformed"},
		"JWE wrong key": {openid4vp.ModeDirectPostJWT, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			pub := wrongKey.Private.Public()
			pub.KeyID = ro.State
			jwe, err := openid4vp.EncryptResponse(&pub, openid4vp.EncA128GCM, &openid4vp.Response{State: ro.State,
				VPToken: map[string][]string{"credential": {present(t, cred, r.Nonce, r.ClientId, "given_name")}}})
			require.NoError(t, err)
			return form_, url.Values{"response": {jwe}}.Encode()
		}, "response_decryption_failed"},
		"JWE garbage": {openid4vp.ModeDirectPostJWT, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			return form_, url.Values{"response": {"a.b.c.d.e"}}.Encode()
		}, "response_malformed"},
		"JWE with another state inside": {openid4vp.ModeDirectPostJWT, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			jwe, err := ro.Encrypt(&openid4vp.Response{State: "other", VPToken: map[string][]string{"credential": {present(t, cred, r.Nonce, r.ClientId, "given_name")}}})
			require.NoError(t, err)
			return form_, url.Values{"response": {jwe}}.Encode()
		}, "state_unknown"},
		"oversize": {openid4vp.ModeDirectPost, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			return form_, url.Values{"vp_token": {strings.Repeat("a", openid4vp.MaxResponseLen)}, "state": {ro.State}}.Encode()
		}, "response_too_large"},
		"json body": {openid4vp.ModeDirectPost, func(r *verifierpb.CreatePresentationRequestResponse, ro *openid4vp.RequestObject) (string, string) {
			return "application/json", `{"state":"` + ro.State + `"}`
		}, "response_malformed"},
	} {
		t.Run(name, func(t *testing.T) {
			r, vr := newReq(tc.mode)
			ct, body := tc.body(r, vr.Object)
			code, got := post(t, v.PublicURL, ct, body)
			require.NotEqual(t, http.StatusOK, code)
			require.Equal(t, tc.want, got)
			// Nothing changed: still pending, and still answerable.
			res, err := v.Client.GetPresentationResult(ctx, &verifierpb.GetPresentationResultRequest{TransactionId: r.TransactionId})
			require.NoError(t, err)
			require.Equal(t, "pending", res.Status)
			resp := &openid4vp.Response{State: vr.Object.State, VPToken: map[string][]string{"credential": {present(t, cred, r.Nonce, r.ClientId, "given_name")}}}
			var good string
			if tc.mode == openid4vp.ModeDirectPostJWT {
				jwe, err := vr.Object.Encrypt(resp)
				require.NoError(t, err)
				good = url.Values{"response": {jwe}}.Encode()
			} else {
				f, err := resp.Form()
				require.NoError(t, err)
				good = f.Encode()
			}
			code, got = post(t, v.PublicURL, form_, good)
			require.Equal(t, http.StatusOK, code, got)
			res, err = v.Client.GetPresentationResult(ctx, &verifierpb.GetPresentationResultRequest{TransactionId: r.TransactionId})
			require.NoError(t, err)
			require.True(t, res.Verified, res.Reason)
			// A replay of the good answer.
			code, got = post(t, v.PublicURL, form_, good)
			require.Equal(t, http.StatusBadRequest, code)
			require.Equal(t, "response_replayed", got)
		})
	}

	// The request object endpoint: unknown state.
	hr, err := http.Get(v.PublicURL + "/oid4vp/requests/nope")
	require.NoError(t, err)
	hr.Body.Close()
	require.Equal(t, http.StatusNotFound, hr.StatusCode)

	// Expired: a verifier (same view) whose requests live a second.
	short := Start(t, w, Options{View: v.View, TTL: time.Second})
	r, err := short.Client.CreatePresentationRequest(ctx, &verifierpb.CreatePresentationRequestRequest{
		VctValues: []string{trusttypes.NationalIDVCT}, Claims: []string{"given_name"}, ResponseMode: openid4vp.ModeDirectPost})
	require.NoError(t, err)
	_, requestURI, err := openid4vp.ParseURI(r.RequestUri)
	require.NoError(t, err)
	st := requestURI[strings.LastIndex(requestURI, "/")+1:]
	require.Eventually(t, func() bool {
		res, err := short.Client.GetPresentationResult(ctx, &verifierpb.GetPresentationResultRequest{TransactionId: r.TransactionId})
		return err == nil && res.Status == "expired"
	}, 10*time.Second, 50*time.Millisecond)
	code, got := post(t, short.PublicURL, form_, form(map[string][]string{"credential": {present(t, cred, r.Nonce, r.ClientId, "given_name")}}, st))
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "transaction_expired", got)
	hr, err = http.Get(requestURI)
	require.NoError(t, err)
	hr.Body.Close()
	require.Equal(t, http.StatusGone, hr.StatusCode)
}
