package holder

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
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

// TestBatchCredentialsChoice: with a batch received over OpenID4VCI (each credential bound to
// its own key) the wallet presents a credential no relying party has seen, signs its KB-JWT
// with that credential's key, then one this party has not seen, and never shows a batch
// credential twice to one party (a single credential is the last resort).
func TestBatchCredentialsChoice(t *testing.T) {
	rk, _ := keys.Generate(keys.Ed25519)
	wk, _ := keys.Generate(keys.Ed25519)
	var posted url.Values
	var jar string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte(jar))
			return
		}
		_ = r.ParseForm()
		posted = r.PostForm
	}))
	defer srv.Close()
	now := time.Now()
	ro := &openid4vp.RequestObject{ClientID: openid4vp.ClientIDOf(rpDID), ResponseType: "vp_token", ResponseMode: "direct_post",
		ResponseURI: srv.URL + "/response", Nonce: "n-2", State: "s-2", IssuedAt: now.Unix(), Expires: now.Add(time.Minute).Unix(),
		DCQLQuery:      json.RawMessage(`{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["` + vctID + `"]},"claims":[{"path":["age_over_18"]}]}]}`),
		ClientMetadata: &openid4vp.ClientMetadata{VPFormats: openid4vp.VPFormatsSupported()}}
	var err error
	if jar, err = openid4vp.SignRequest(context.Background(), jws.NewKeySigner(rk), rpDID+"#key-1", ro); err != nil {
		t.Fatal(err)
	}
	var bk [2]keys.PrivateKey
	creds := []Credential{{Name: "single", SDJWT: issue(t, wk, vctID, map[string]any{"age_over_18": true})}}
	for i := range bk {
		bk[i], _ = keys.Generate(keys.P256)
		creds = append(creds, Credential{Name: fmt.Sprintf("b%d", i), SDJWT: issue(t, bk[i], vctID, map[string]any{"age_over_18": true}),
			Key: &bk[i], Batch: "batch-1"})
	}
	opts := Options{
		Ledger: fakeLedger{rpKey: rk.Public(), rp: &RelyingParty{DID: rpDID, Name: "Bank", AllowedClaims: map[string][]string{vctID: {"age_over_18"}},
			Audiences: []string{openid4vp.ClientIDOf(rpDID)}}},
		Credentials: creds, Holder: wk, Consent: func(*Plan) (bool, error) { return true, nil },
	}
	uri := openid4vp.BuildURI(openid4vp.ClientIDOf(rpDID), srv.URL+"/request")
	present := func() (string, keys.PublicKey) {
		t.Helper()
		posted = nil
		out, err := Present(context.Background(), uri, opts)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := openid4vp.ParseDirectPost(posted)
		if err != nil {
			t.Fatal(err)
		}
		vp := resp.VPToken["pid"][0]
		kb, err := jws.Parse(vp[strings.LastIndex(vp, "~")+1:], nil)
		if err != nil {
			t.Fatal(err)
		}
		name := out.Plan.Disclosures[0].Credential
		for i := range opts.Credentials {
			if opts.Credentials[i].Name != name {
				continue
			}
			k := wk.Public()
			if opts.Credentials[i].Key != nil {
				k = opts.Credentials[i].Key.Public()
			}
			if err := kb.Verify(k); err != nil {
				t.Fatalf("%s: the KB-JWT is not signed by the credential's own key: %v", name, err)
			}
			return name, k
		}
		t.Fatalf("%s: not in the wallet", name)
		return "", keys.PublicKey{}
	}
	// Fresh batch credentials first, each bound to its own key.
	if name, k := present(); name != "b0" || !k.Equal(bk[0].Public()) {
		t.Fatalf("first presentation used %s", name)
	}
	// b0 was shown to another party: b1 (shown to nobody) comes before it.
	opts.Credentials[1].ShownTo = []string{"did:amanah:test:shop"}
	if name, _ := present(); name != "b1" {
		t.Fatalf("second presentation used %s, want the fresh b1", name)
	}
	// Both shown to others: one not shown to this bank.
	opts.Credentials[2].ShownTo = []string{"did:amanah:test:shop"}
	if name, _ := present(); name != "b0" {
		t.Fatalf("third presentation used %s, want b0 (not shown to this bank)", name)
	}
	// Both shown to this bank: never again; the single credential is the last resort.
	opts.Credentials[1].ShownTo = append(opts.Credentials[1].ShownTo, rpDID)
	opts.Credentials[2].ShownTo = append(opts.Credentials[2].ShownTo, rpDID)
	if name, _ := present(); name != "single" {
		t.Fatalf("fourth presentation used %s, want the single credential", name)
	}
	// Without it: no credential.
	opts.Credentials = opts.Credentials[1:]
	if _, err := Present(context.Background(), uri, opts); openid4vp.CodeOf(err) != CodeNoCredential {
		t.Fatalf("batch used up: %v", err)
	}
}
