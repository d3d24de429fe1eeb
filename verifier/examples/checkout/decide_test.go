package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// TestDecide covers the checkout's decision on every kind of verifier answer.
func TestDecide(t *testing.T) {
	cred := func(claims map[string]string) []*verifierpb.CredentialVerdict {
		return []*verifierpb.CredentialVerdict{{CredentialQueryId: "credential", Verdict: &verifierpb.VerifyPresentationResponse{Verified: true, DisclosedClaims: claims}}}
	}
	for _, c := range []struct {
		name     string
		res      *verifierpb.GetPresentationResultResponse
		approved bool
		verdict  string
		claims   []claim
	}{
		{"pending", &verifierpb.GetPresentationResultResponse{Status: "pending"}, false, "", nil},
		{"expired", &verifierpb.GetPresentationResultResponse{Status: "expired"}, false, "expired: start again", nil},
		{"revoked", &verifierpb.GetPresentationResultResponse{Status: "complete", Reason: "revoked"}, false, "refused: revoked", nil},
		{"over 18", &verifierpb.GetPresentationResultResponse{Status: "complete", Verified: true,
			Credentials: cred(map[string]string{"given_name": `"Aminah"`, "age_over_18": "true"})},
			true, "verified: over 18", []claim{{"age_over_18", "true"}, {"given_name", "Aminah"}}},
		{"under 18", &verifierpb.GetPresentationResultResponse{Status: "complete", Verified: true,
			Credentials: cred(map[string]string{"age_over_18": "false"})}, false, "refused: not over 18", []claim{{"age_over_18", "false"}}},
		{"age not disclosed", &verifierpb.GetPresentationResultResponse{Status: "complete", Verified: true,
			Credentials: cred(map[string]string{"given_name": `"Aminah"`})}, false, "refused: not over 18", []claim{{"given_name", "Aminah"}}},
		{"age as a string", &verifierpb.GetPresentationResultResponse{Status: "complete", Verified: true,
			Credentials: cred(map[string]string{"age_over_18": `"true"`})}, false, "refused: not over 18", []claim{{"age_over_18", "true"}}},
		{"malformed claim", &verifierpb.GetPresentationResultResponse{Status: "complete", Verified: true,
			Credentials: cred(map[string]string{"age_over_18": "tru"})}, false, "refused: not over 18", nil},
	} {
		got := decide(c.res)
		require.Equal(t, c.res.Status, got.Status, c.name)
		require.Equal(t, c.approved, got.Approved, c.name)
		require.Equal(t, c.verdict, got.Verdict, c.name)
		require.Equal(t, c.claims, got.Claims, c.name)
	}
}

// TestStatusWithoutCheckout: /status without a session cookie (or an unknown one) says so.
func TestStatusWithoutCheckout(t *testing.T) {
	shop := NewShop(nil, "key", "http://127.0.0.1:1", NationalIDVCT)
	for _, cookie := range []string{"", "not-a-session"} {
		req := httptest.NewRequest(http.MethodGet, "/status", nil)
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
		}
		rec := httptest.NewRecorder()
		shop.ServeHTTP(rec, req)
		require.Equal(t, http.StatusNotFound, rec.Code)
		require.True(t, strings.Contains(rec.Body.String(), `"status":"unknown"`), rec.Body.String())
	}
	// /prove without a checkout goes back to the cart.
	rec := httptest.NewRecorder()
	shop.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/prove", nil))
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Equal(t, "/", rec.Header().Get("Location"))
}
