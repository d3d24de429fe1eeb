package oid4vptest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/openid4vp"
	"github.com/amanah-id/amanah/openid4vp/holder"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/service"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// TestFlowOnChain runs OpenID4VP end to end on a real in-process chain: the
// Bank asks (gRPC), the wallet fetches and verifies the request against the
// Bank's DID and registration on the chain, presents over direct_post.jwt
// and direct_post, the Bank reads the verdict; then the refusals: a replay,
// another party reading the result, a revoked credential (a verdict), a
// request over-asking (the wallet refuses it), a request key not on the
// ledger (the verifier refuses to start).
func TestFlowOnChain(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process chain")
	}
	w := chaintest.New(t)
	issuer := w.NewDID()
	w.AccreditIssuer("oid4vp-issuer", issuer)
	list := w.CreateList(issuer)
	cred := w.Issue(issuer, "#key-1", issuer.Key, w.BlockTime(), chaintest.ListURI(list), 3)
	revoked := w.Issue(issuer, "#key-1", issuer.Key, w.BlockTime(), chaintest.ListURI(list), 4)
	RegisterClientID(w, 2)
	w.Revoke(issuer, list, 4, 1)
	v := Start(t, w, Options{})
	ctx := context.Background()
	bank := Ctx(ctx)

	create := func(mode string) *verifierpb.CreatePresentationRequestResponse {
		t.Helper()
		res, err := v.Client.CreatePresentationRequest(bank, &verifierpb.CreatePresentationRequestRequest{
			VctValues: []string{trusttypes.NationalIDVCT}, Claims: []string{"given_name"}, ResponseMode: mode})
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(res.RequestUri, "openid4vp://?"), res.RequestUri)
		require.NotEmpty(t, res.QrPng)
		require.Equal(t, "\x89PNG", string(res.QrPng[:4]))
		require.Equal(t, openid4vp.ClientIDOf(w.Bank.ID), res.ClientId)
		return res
	}

	for _, mode := range []string{openid4vp.ModeDirectPostJWT, openid4vp.ModeDirectPost} {
		req := create(mode)
		pending, err := v.Client.GetPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: req.TransactionId})
		require.NoError(t, err)
		require.Equal(t, "pending", pending.Status)

		var shown *holder.Plan
		opts := Wallet(t, v.View.Cache, cred)
		opts.Consent = func(p *holder.Plan) (bool, error) { shown = p; return true, nil }
		out, err := holder.Present(ctx, req.RequestUri, opts)
		require.NoError(t, err, mode)
		require.Equal(t, "Bank Amanah Berhad", shown.RelyingPartyName)
		require.Len(t, shown.Disclosures, 1)
		require.Equal(t, []string{"given_name"}, shown.Disclosures[0].Claims)
		require.Empty(t, out.RedirectURI)

		got, err := v.Client.GetPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: req.TransactionId})
		require.NoError(t, err)
		require.Equal(t, "complete", got.Status)
		require.True(t, got.Verified, "%s: %s", mode, got.Reason)
		require.Len(t, got.Credentials, 1)
		require.Equal(t, "credential", got.Credentials[0].CredentialQueryId)
		vr := got.Credentials[0].Verdict
		require.True(t, vr.Verified)
		require.Equal(t, map[string]string{"given_name": `"Aminah"`}, vr.DisclosedClaims)
		require.Equal(t, issuer.ID, vr.Issuer)

		// Replay: the same wallet answers again; refused, the result unchanged.
		_, err = holder.Present(ctx, req.RequestUri, opts)
		require.Error(t, err)
		require.Equal(t, holder.CodeResponseRefused, openid4vp.CodeOf(err), "%v", err)
		require.Contains(t, err.Error(), "response_replayed")
		again, err := v.Client.GetPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: req.TransactionId})
		require.NoError(t, err)
		require.Equal(t, got.Credentials[0].Verdict.PresentationSha256, again.Credentials[0].Verdict.PresentationSha256)
	}

	// Same device: the wallet is sent back with a response code, without which the result is not released.
	sd, err := v.Client.CreatePresentationRequest(bank, &verifierpb.CreatePresentationRequestRequest{
		VctValues: []string{trusttypes.NationalIDVCT}, Claims: []string{"given_name"}, RedirectUri: "https://checkout.bank.example/done", OmitQr: true})
	require.NoError(t, err)
	require.Empty(t, sd.QrPng, "omit_qr")
	out, err := holder.Present(ctx, sd.RequestUri, Wallet(t, v.View.Cache, cred))
	require.NoError(t, err)
	base, code, ok := strings.Cut(out.RedirectURI, "#response_code=")
	require.True(t, ok, out.RedirectURI)
	require.Equal(t, "https://checkout.bank.example/done", base)
	for _, wrong := range []string{"", "not-the-code"} {
		_, err = v.Client.GetPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: sd.TransactionId, ResponseCode: wrong})
		require.Equal(t, reason.ResponseCodeInvalid, service.ReasonOfError(err), "%v", err)
	}
	sdRes, err := v.Client.GetPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: sd.TransactionId, ResponseCode: code})
	require.NoError(t, err)
	require.True(t, sdRes.Verified, sdRes.Reason)
	// A redirect that is not https is refused.
	_, err = v.Client.CreatePresentationRequest(bank, &verifierpb.CreatePresentationRequestRequest{
		VctValues: []string{trusttypes.NationalIDVCT}, Claims: []string{"given_name"}, RedirectUri: "http://checkout.bank.example/done"})
	require.Equal(t, reason.RequestInvalid, service.ReasonOfError(err), "%v", err)

	// The same over REST (the gateway): create, then read.
	conn, err := grpc.NewClient(v.GRPCAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	gw, err := v.Server.Gateway(ctx, conn)
	require.NoError(t, err)
	rest := httptest.NewServer(gw)
	defer rest.Close()
	restCall := func(method, path, body string) map[string]any {
		hreq, err := http.NewRequest(method, rest.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		hreq.Header.Set("x-api-key", APIKey)
		hres, err := http.DefaultClient.Do(hreq)
		require.NoError(t, err)
		defer hres.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(hres.Body).Decode(&m))
		require.Equal(t, http.StatusOK, hres.StatusCode, "%v", m)
		return m
	}
	created := restCall(http.MethodPost, "/amanah/verifier/v1/presentation-requests",
		`{"vct_values":["`+trusttypes.NationalIDVCT+`"],"claims":["given_name"],"response_mode":"direct_post"}`)
	restURI, _ := created["request_uri"].(string)
	restID, _ := created["transaction_id"].(string)
	_, err = holder.Present(ctx, restURI, Wallet(t, v.View.Cache, cred))
	require.NoError(t, err)
	got := restCall(http.MethodGet, "/amanah/verifier/v1/presentation-requests/"+restID, "")
	require.Equal(t, "complete", got["status"])
	require.Equal(t, true, got["verified"])

	// Await streams pending then the verdict.
	req := create("")
	stream, err := v.Client.AwaitPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: req.TransactionId})
	require.NoError(t, err)
	first, err := stream.Recv()
	require.NoError(t, err)
	require.Equal(t, "pending", first.Status)
	_, err = holder.Present(ctx, req.RequestUri, Wallet(t, v.View.Cache, revoked))
	require.NoError(t, err)
	final, err := stream.Recv()
	require.NoError(t, err)
	// A revoked credential is a verdict: complete, not verified, reason revoked.
	require.Equal(t, "complete", final.Status)
	require.False(t, final.Verified)
	require.Equal(t, string(reason.Revoked), final.Reason)

	// The result is only the creator's: an unauthenticated call is refused.
	_, err = v.Client.GetPresentationResult(ctx, &verifierpb.GetPresentationResultRequest{TransactionId: req.TransactionId})
	require.Equal(t, reason.Unauthenticated, service.ReasonOfError(err))

	// The verifier refuses to create a request over its registration.
	_, err = v.Client.CreatePresentationRequest(bank, &verifierpb.CreatePresentationRequestRequest{
		VctValues: []string{trusttypes.NationalIDVCT}, Claims: []string{"birthdate"}})
	require.Equal(t, reason.ClaimNotAllowed, service.ReasonOfError(err), "%v", err)

	// Requests signed and served elsewhere: the wallet refuses each, with its reason.
	nid := trusttypes.NationalIDVCT
	overAsking := `{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["` + nid +
		`"]},"claims":[{"path":["given_name"]},{"path":["birthdate"]}]}]}`
	unsatisfiable := `{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["` + nid +
		`"]},"claims":[{"path":["given_name"],"values":["Somebody Else"]}]}]}`
	simple := `{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["` + nid + `"]},"claims":[{"path":["given_name"]}]}]}`
	stranger := w.NewDID() // on the ledger, not a relying party
	require.Eventually(t, func() bool { return v.View.Cache.Sync().Height >= w.LastTxHeight() }, 30*time.Second, 20*time.Millisecond)
	for name, tc := range map[string]struct {
		signer *chaintest.DID
		key    *chaintest.DID
		query  string
		exp    time.Duration
		want   openid4vp.Code
		says   string
	}{
		"over-asking":        {w.Bank, w.Bank, overAsking, time.Minute, holder.CodeOverAsking, "birthdate"},
		"unsatisfiable":      {w.Bank, w.Bank, unsatisfiable, time.Minute, holder.CodeNoCredential, "pid"},
		"bad signature":      {w.Bank, stranger, simple, time.Minute, openid4vp.CodeRequestObjectSignature, ""},
		"expired":            {w.Bank, w.Bank, simple, -time.Second, openid4vp.CodeRequestExpired, ""},
		"unregistered":       {stranger, stranger, simple, time.Minute, holder.CodeClientNotRegistered, stranger.ID},
		"unknown client DID": {&chaintest.DID{ID: "did:amanah:" + w.Network + ":nobody", Key: stranger.Key}, stranger, simple, time.Minute, openid4vp.CodeClientUnknown, ""},
	} {
		jar := signedRequestBy(t, tc.signer.ID, tc.key, v.PublicURL, tc.query, tc.exp)
		srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { _, _ = rw.Write([]byte(jar)) }))
		uri := openid4vp.BuildURI(openid4vp.ClientIDOf(tc.signer.ID), srv.URL+"/r")
		_, err = holder.Present(ctx, uri, Wallet(t, v.View.Cache, cred))
		srv.Close()
		require.Equal(t, tc.want, openid4vp.CodeOf(err), "%s: %v", name, err)
		require.Contains(t, err.Error(), tc.says, name)
		if name == "over-asking" {
			require.NotContains(t, err.Error(), "given_name of", "only what the registration refuses is named")
		}
	}

	// Every malformed response: its reason, and nothing changes.
	t.Run("bad input", func(t *testing.T) { badInputs(t, w, v, cred) })

	// A request key that is not an assertionMethod of the Bank's DID: the verifier refuses to start.
	bad, err := serviceWithKey(v, w.Bank.ID, w.Bank.ID+"#key-1", stranger)
	require.NoError(t, err)
	require.ErrorContains(t, bad.CheckRequestKeys(ctx), "not the ledger's key")
	bad, err = serviceWithKey(v, w.Bank.ID, w.Bank.ID+"#key-9", w.Bank)
	require.NoError(t, err)
	require.ErrorContains(t, bad.CheckRequestKeys(ctx), "not an assertionMethod")
}

func serviceWithKey(v *Verifier, did, kid string, signer *chaintest.DID) (*service.Service, error) {
	return service.New(service.Config{View: v.View.Cache, Challenges: v.State, OpenID4VP: &service.OpenID4VPConfig{
		PublicURL: v.PublicURL, Transactions: v.State,
		Keys: map[string]service.RequestKey{did: {Kid: kid, Signer: jws.NewKeySigner(signer.Key)}}}})
}

// signedRequestBy returns a request object of client did for query, signed
// by key's key-1 under did's kid, expiring after exp.
func signedRequestBy(t *testing.T, did string, key *chaintest.DID, publicURL, query string, exp time.Duration) string {
	t.Helper()
	now := time.Now()
	ro := &openid4vp.RequestObject{ClientID: openid4vp.ClientIDOf(did), ResponseType: "vp_token", ResponseMode: "direct_post",
		ResponseURI: publicURL + service.PathResponse, Nonce: "n", State: "s", DCQLQuery: json.RawMessage(query),
		IssuedAt: now.Unix(), Expires: now.Add(exp).Unix(), ClientMetadata: &openid4vp.ClientMetadata{VPFormats: openid4vp.VPFormatsSupported()}}
	jar, err := openid4vp.SignRequest(context.Background(), jws.NewKeySigner(key.Key), did+KeyFrag, ro)
	require.NoError(t, err)
	return jar
}
