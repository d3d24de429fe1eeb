package holder

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/openid4vp"
)

const (
	rpDID = "did:amanah:test:bank"
	vctID = "https://example/vct/id"
	vctDL = "https://example/vct/dl"
)

type fakeLedger struct {
	rpKey keys.PublicKey
	rp    *RelyingParty
}

func (f fakeLedger) AssertionKey(_ context.Context, did, kid string) (keys.PublicKey, error) {
	if did == rpDID && kid == rpDID+"#key-1" {
		return f.rpKey, nil
	}
	return keys.PublicKey{}, ErrNotFound
}

func (f fakeLedger) RelyingParty(_ context.Context, did string) (*RelyingParty, error) {
	if did == rpDID {
		return f.rp, nil
	}
	return nil, ErrNotFound
}

func issue(t *testing.T, holder keys.PrivateKey, vct string, claims map[string]any) string {
	t.Helper()
	ik, _ := keys.Generate(keys.Ed25519)
	is := &sdjwtvc.Issuer{DID: "did:amanah:test:issuer", KeyID: "did:amanah:test:issuer#key-1", Signer: jws.NewKeySigner(ik)}
	s, err := is.Issue(context.Background(), sdjwtvc.Credential{VCT: vct, Claims: claims, Holder: holder.Public(),
		Status: &sdjwtvc.StatusRef{URI: "https://status.example/1", Index: 1}, Expires: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPrepareChoosesAndSends: the wallet picks, among its credentials, the
// one the query matches (ChooseCredential), discloses only the asked claim,
// and posts a key-bound presentation the verifier side can read.
func TestPrepareChoosesAndSends(t *testing.T) {
	rk, _ := keys.Generate(keys.Ed25519)
	hk, _ := keys.Generate(keys.Ed25519)
	other, _ := keys.Generate(keys.Ed25519)
	var posted url.Values
	var jar string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte(jar))
			return
		}
		_ = r.ParseForm()
		posted = r.PostForm
		_, _ = w.Write([]byte(`{"redirect_uri":"https://bank.example/done#response_code=c"}`))
	}))
	defer srv.Close()
	now := time.Now()
	ro := &openid4vp.RequestObject{ClientID: openid4vp.ClientIDOf(rpDID), ResponseType: "vp_token", ResponseMode: "direct_post",
		ResponseURI: srv.URL + "/response", Nonce: "n-1", State: "s-1", IssuedAt: now.Unix(), Expires: now.Add(time.Minute).Unix(),
		DCQLQuery:      json.RawMessage(`{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["` + vctID + `"]},"claims":[{"path":["age_over_18"],"values":[true]}]}]}`),
		ClientMetadata: &openid4vp.ClientMetadata{VPFormats: openid4vp.VPFormatsSupported()}}
	var err error
	if jar, err = openid4vp.SignRequest(context.Background(), jws.NewKeySigner(rk), rpDID+"#key-1", ro); err != nil {
		t.Fatal(err)
	}
	opts := Options{
		Ledger: fakeLedger{rpKey: rk.Public(), rp: &RelyingParty{DID: rpDID, Name: "Bank", AllowedClaims: map[string][]string{vctID: {"age_over_18"}},
			Audiences: []string{openid4vp.ClientIDOf(rpDID)}}},
		Credentials: []Credential{
			{Name: "licence", SDJWT: issue(t, hk, vctDL, map[string]any{"age_over_18": true})},
			{Name: "someone-elses", SDJWT: issue(t, other, vctID, map[string]any{"age_over_18": true})},
			{Name: "minor", SDJWT: issue(t, hk, vctID, map[string]any{"age_over_18": false})},
			{Name: "id", SDJWT: issue(t, hk, vctID, map[string]any{"age_over_18": true, "given_name": "A"})},
		},
		Holder:  hk,
		Consent: func(*Plan) (bool, error) { return true, nil },
	}
	uri := openid4vp.BuildURI(openid4vp.ClientIDOf(rpDID), srv.URL+"/request")
	out, err := Present(context.Background(), uri, opts)
	if err != nil {
		t.Fatal(err)
	}
	if out.Plan.Disclosures[0].Credential != "id" || len(out.Plan.Disclosures[0].Claims) != 1 || out.RedirectURI == "" {
		t.Fatalf("%+v %q", out.Plan.Disclosures, out.RedirectURI)
	}
	resp, err := openid4vp.ParseDirectPost(posted)
	if err != nil || resp.State != "s-1" {
		t.Fatalf("%+v %v", resp, err)
	}
	sd, err := sdjwt.Parse(resp.VPToken["pid"][0])
	if err != nil || len(sd.Disclosures) != 1 || sd.Disclosures[0].Name != "age_over_18" {
		t.Fatalf("disclosed %+v %v", sd, err)
	}
	// Consent refused: nothing sent.
	posted = nil
	opts.Consent = func(*Plan) (bool, error) { return false, nil }
	if _, err := Present(context.Background(), uri, opts); openid4vp.CodeOf(err) != CodeConsentRefused || posted != nil {
		t.Fatalf("%v %v", err, posted)
	}
	// Only credentials that do not match: no_matching_credential.
	opts.Consent = func(*Plan) (bool, error) { return true, nil }
	opts.Credentials = opts.Credentials[:3]
	if _, err := Present(context.Background(), uri, opts); openid4vp.CodeOf(err) != CodeNoCredential {
		t.Fatal(err)
	}
}
