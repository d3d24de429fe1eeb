package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/issuer/issuertest"
	"github.com/amanah-id/amanah/issuer/oid4vci"
	"github.com/amanah-id/amanah/issuer/registry"
	"github.com/amanah-id/amanah/issuer/service"
	"github.com/amanah-id/amanah/issuer/store"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/statuslist"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

const records = `{
 "880412-14-5566": {"given_name": "Aisyah", "family_name": "Rahman", "birthdate": "1990-04-12", "nationality": "MY"},
 "bad-nationality": {"given_name": "X", "family_name": "Y", "birthdate": "1990-01-01", "nationality": "Malaysia"},
 "no-family-name": {"given_name": "X", "birthdate": "1990-01-01"}
}`

type env struct {
	t      *testing.T
	svc    *service.Service
	srv    *httptest.Server
	ledger *issuertest.FakeLedger
	store  *store.Store
	now    time.Time
	did    string
}

func newEnv(t *testing.T, mod func(*service.Config)) *env {
	t.Helper()
	e := &env{t: t, did: "did:amanah:test:issuer1", now: time.Now()}
	key, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	e.ledger = issuertest.NewFakeLedger(e.did)
	if e.store, err = store.Open(filepath.Join(t.TempDir(), "issuer.db")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.store.Close() })
	reg, err := registry.ParseJSON([]byte(records))
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(e.srv.Close)
	cfg := service.Config{IssuerURL: e.srv.URL, DID: e.did, KeyID: e.did + "#key-1", Key: key, Name: "NRD",
		Configurations: map[string]service.ConfigSpec{"national_id": {VCT: trusttypes.NationalIDVCT}},
		BatchSize:      4, Store: e.store, Registry: reg, Ledger: e.ledger, Now: func() time.Time { return e.now }}
	if mod != nil {
		mod(&cfg)
	}
	if e.svc, err = service.New(cfg); err != nil {
		t.Fatal(err)
	}
	h = e.svc.Handler(true)
	return e
}

func (e *env) offer(record string, txCode bool, batch int) *service.OfferResult {
	e.t.Helper()
	o, err := e.svc.CreateOffer(context.Background(), service.OfferRequest{RecordID: record, TxCode: txCode, BatchSize: batch})
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

func (e *env) post(path, ctype, body, bearer string) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

func (e *env) token(o *service.OfferResult, txCode string) (int, map[string]any) {
	form := url.Values{"grant_type": {oid4vci.GrantPreAuthorizedCode},
		"pre-authorized_code": {o.Offer.Grants[oid4vci.GrantPreAuthorizedCode].PreAuthorizedCode}}
	if txCode != "" {
		form.Set("tx_code", txCode)
	}
	return e.post("/token", "application/x-www-form-urlencoded", form.Encode(), "")
}

func (e *env) accessToken(o *service.OfferResult) string {
	e.t.Helper()
	code, m := e.token(o, o.TxCode)
	if code != 200 {
		e.t.Fatalf("token: %d %v", code, m)
	}
	return m["access_token"].(string)
}

func (e *env) nonce() string {
	e.t.Helper()
	code, m := e.post("/nonce", "", "", "")
	if code != 200 {
		e.t.Fatalf("nonce: %d %v", code, m)
	}
	return m["c_nonce"].(string)
}

func proof(t *testing.T, k keys.PrivateKey, c oid4vci.ProofClaims) string {
	t.Helper()
	p, err := oid4vci.SignProof(context.Background(), k, c)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func credReq(cfg string, proofs ...string) string {
	b, _ := json.Marshal(map[string]any{"credential_configuration_id": cfg, "proofs": map[string]any{"jwt": proofs}})
	return string(b)
}

func newKeys(t *testing.T, n int) []keys.PrivateKey {
	out := make([]keys.PrivateKey, n)
	for i := range out {
		var err error
		if out[i], err = keys.Generate(keys.Ed25519); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// The whole flow through the wallet client: a batch of 4, each credential bound to its own
// key, with its own salts, signature and status index, recorded before it was returned.
func TestReceiveBatch(t *testing.T) {
	e := newEnv(t, nil)
	o := e.offer("880412-14-5566", true, 0)
	got, md, err := (&oid4vci.Wallet{}).Receive(context.Background(), o.URIByReference, o.TxCode)
	if err != nil {
		t.Fatal(err)
	}
	if md.BatchCredentialIssuance.BatchSize != 4 || len(got) != 4 {
		t.Fatalf("batch size %d, got %d", md.BatchCredentialIssuance.BatchSize, len(got))
	}
	seen := map[string]bool{}
	indices := map[float64]bool{}
	for _, r := range got {
		sd, err := sdjwt.Parse(r.Credential)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := jws.Parse(strings.SplitN(r.Credential, "~", 2)[0], nil)
		if err != nil {
			t.Fatal(err)
		}
		if tok.Kid != e.did+"#key-1" {
			t.Fatalf("kid %q", tok.Kid)
		}
		if seen[string(tok.Signature)] {
			t.Fatal("two credentials share a signature")
		}
		seen[string(tok.Signature)] = true
		for _, d := range sd.Disclosures {
			if seen[d.Salt] {
				t.Fatalf("salt %s shared", d.Salt)
			}
			seen[d.Salt] = true
		}
		var p map[string]any
		_ = json.Unmarshal(tok.Payload, &p)
		if p["vct#integrity"] == nil || !strings.HasPrefix(p["vct#integrity"].(string), "sha256-") {
			t.Fatalf("no vct#integrity: %v", p)
		}
		cnf, _ := json.Marshal(p["cnf"].(map[string]any)["jwk"])
		hk, err := keys.ParsePublicJWK(cnf)
		if err != nil || !hk.Equal(r.Key.Public()) {
			t.Fatalf("cnf.jwk is not the credential's own holder key: %v", err)
		}
		st := p["status"].(map[string]any)["status_list"].(map[string]any)
		indices[st["idx"].(float64)] = true
	}
	if len(indices) != 4 {
		t.Fatalf("status indices not distinct: %v", indices)
	}
	bs, err := e.store.Batches("", 10)
	if err != nil || len(bs) != 1 || len(bs[0].Credentials) != 4 {
		t.Fatalf("issuance record: %v %+v", err, bs)
	}
	for _, c := range bs[0].Credentials {
		if !c.Signed || !indices[float64(c.Index)] {
			t.Fatalf("record %+v does not match the credentials", c)
		}
	}
	if b, _ := json.Marshal(bs); bytes.Contains(b, []byte("Aisyah")) || bytes.Contains(b, []byte("1990")) {
		t.Fatalf("a claim value reached the issuance record: %s", b)
	}
	// Revoking one credential revokes its whole batch in one ledger transaction.
	before := e.ledger.Txs
	if _, _, _, err := e.svc.SetStatus(context.Background(), bs[0].Credentials[2].ID, 1); err != nil {
		t.Fatal(err)
	}
	if e.ledger.Txs != before+1 {
		t.Fatalf("%d ledger transactions for one batch revocation", e.ledger.Txs-before)
	}
	for _, c := range bs[0].Credentials {
		if e.ledger.Get(c.ListID, c.Index) != 1 {
			t.Fatalf("credential %s (index %d) not revoked", c.ID, c.Index)
		}
	}
	// The status list token served at the credential's status uri shows it.
	uri := e.svc.ListURI(bs[0].Credentials[0].ListID)
	resp, err := http.Get(uri)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != service.ContentStatusList {
		t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
	}
	tok, err := jws.Parse(string(body), nil)
	if err != nil || tok.Typ != "statuslist+jwt" || tok.Kid != e.did+"#key-1" {
		t.Fatalf("status token %v %+v", err, tok)
	}
	if err := tok.Verify(e.svc.Config().Key.Public()); err != nil {
		t.Fatal(err)
	}
	var sp struct {
		Sub        string `json:"sub"`
		Iat, Exp   int64
		TTL        int64                      `json:"ttl"`
		StatusList statuslist.StatusListClaim `json:"status_list"`
	}
	if err := json.Unmarshal(tok.Payload, &sp); err != nil || sp.Sub != uri || sp.Iat == 0 || sp.Exp <= sp.Iat || sp.TTL == 0 {
		t.Fatalf("status token claims %v %+v", err, sp)
	}
	raw, err := sp.StatusList.Decode()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range bs[0].Credentials {
		if v, _ := statuslist.StatusAt(raw, c.Index, 2); v != 1 {
			t.Fatalf("token shows %d at %d, want 1 (revoked)", v, c.Index)
		}
	}
	// Metrics.
	mr, _ := http.Get(e.srv.URL + "/metrics")
	mb, _ := io.ReadAll(mr.Body)
	mr.Body.Close()
	for _, want := range []string{"amanah_issuer_credentials_issued_total 4", `amanah_issuer_requests_total{code="200",endpoint="credential"} 1`, "amanah_issuer_signing_errors_total 0"} {
		if !strings.Contains(string(mb), want) {
			t.Fatalf("metrics lack %q:\n%s", want, mb)
		}
	}
}

// Bad input: each refusal carries its stable OAuth/OpenID4VCI error code.
func TestBadInput(t *testing.T) {
	e := newEnv(t, nil)
	holder := newKeys(t, 5)
	good := func(k keys.PrivateKey, n string) string {
		return proof(t, k, oid4vci.ProofClaims{Aud: e.srv.URL, Iat: e.now.Unix(), Nonce: n})
	}
	t.Run("token", func(t *testing.T) {
		o := e.offer("880412-14-5566", false, 0)
		code := o.Offer.Grants[oid4vci.GrantPreAuthorizedCode].PreAuthorizedCode
		for _, c := range []struct{ name, ctype, body, want string }{
			{"wrong content type", "application/json", `{}`, oid4vci.ErrInvalidRequest},
			{"no grant type", "application/x-www-form-urlencoded", "pre-authorized_code=" + code, oid4vci.ErrInvalidRequest},
			{"authorization code grant", "application/x-www-form-urlencoded", "grant_type=authorization_code&code=x", oid4vci.ErrUnsupportedGrantType},
			{"unknown code", "application/x-www-form-urlencoded", "grant_type=" + url.QueryEscape(oid4vci.GrantPreAuthorizedCode) + "&pre-authorized_code=nope", oid4vci.ErrInvalidGrant},
			{"duplicate parameter", "application/x-www-form-urlencoded", "grant_type=" + url.QueryEscape(oid4vci.GrantPreAuthorizedCode) + "&pre-authorized_code=a&pre-authorized_code=b", oid4vci.ErrInvalidRequest},
			{"tx_code not offered", "application/x-www-form-urlencoded", "grant_type=" + url.QueryEscape(oid4vci.GrantPreAuthorizedCode) + "&pre-authorized_code=" + url.QueryEscape(code) + "&tx_code=123456", oid4vci.ErrInvalidRequest},
			{"oversize", "application/x-www-form-urlencoded", strings.Repeat("a", oid4vci.MaxTokenRequestBytes+1), oid4vci.ErrInvalidRequest},
		} {
			st, m := e.post("/token", c.ctype, c.body, "")
			if st != 400 || m["error"] != c.want {
				t.Errorf("%s: %d %v, want 400 %s", c.name, st, m, c.want)
			}
		}
		if st, _ := e.token(o, ""); st != 200 {
			t.Fatalf("good token request: %d", st)
		}
		if st, m := e.token(o, ""); st != 400 || m["error"] != oid4vci.ErrInvalidGrant {
			t.Errorf("reused code: %d %v", st, m)
		}
		exp := e.offer("880412-14-5566", false, 0)
		e.now = e.now.Add(16 * time.Minute)
		if st, m := e.token(exp, ""); st != 400 || m["error"] != oid4vci.ErrInvalidGrant || !strings.Contains(m["error_description"].(string), "expired") {
			t.Errorf("expired code: %d %v", st, m)
		}
		e.now = time.Now()
	})
	t.Run("tx_code attempts", func(t *testing.T) {
		o := e.offer("880412-14-5566", true, 0)
		if st, m := e.token(o, ""); st != 400 || m["error"] != oid4vci.ErrInvalidRequest {
			t.Errorf("missing tx_code: %d %v", st, m)
		}
		for i := 0; i < 3; i++ {
			if st, m := e.token(o, "000000x"); st != 400 || m["error"] != oid4vci.ErrInvalidGrant {
				t.Errorf("wrong tx_code %d: %d %v", i, st, m)
			}
		}
		st, m := e.token(o, o.TxCode) // the right code, too late: the offer is dead
		if st != 400 || m["error"] != oid4vci.ErrInvalidGrant || !strings.Contains(m["error_description"].(string), "dead") {
			t.Errorf("right tx_code after exhausting attempts: %d %v", st, m)
		}
	})
	t.Run("credential", func(t *testing.T) {
		newToken := func(batch int) string { return e.accessToken(e.offer("880412-14-5566", false, batch)) }
		tokA := newToken(2)
		n := e.nonce()
		otherKey := newKeys(t, 1)[0]
		wrongTyp, _ := jws.Sign(context.Background(), jws.NewKeySigner(holder[0]), map[string]any{"typ": "JWT", "jwk": jwkMap(t, holder[0])},
			mustJSON(oid4vci.ProofClaims{Aud: e.srv.URL, Iat: e.now.Unix(), Nonce: n}))
		wrongKey, _ := jws.Sign(context.Background(), jws.NewKeySigner(otherKey), map[string]any{"typ": oid4vci.ProofTypJWT, "jwk": jwkMap(t, holder[0])},
			mustJSON(oid4vci.ProofClaims{Aud: e.srv.URL, Iat: e.now.Unix(), Nonce: n}))
		for _, c := range []struct {
			name, ctype, body, bearer, want string
			status                          int
		}{
			{"no token", "application/json", credReq("national_id", good(holder[0], n)), "", oid4vci.ErrInvalidToken, 401},
			{"unknown token", "application/json", credReq("national_id", good(holder[0], n)), "nope", oid4vci.ErrInvalidToken, 401},
			{"unknown configuration", "application/json", credReq("passport", good(holder[0], n)), tokA, oid4vci.ErrUnknownCredentialConfiguration, 400},
			{"credential_identifier", "application/json", `{"credential_identifier":"x","proofs":{"jwt":["a"]}}`, tokA, oid4vci.ErrUnknownCredentialIdentifier, 400},
			{"no proofs", "application/json", `{"credential_configuration_id":"national_id"}`, tokA, oid4vci.ErrInvalidProof, 400},
			{"singular proof", "application/json", `{"credential_configuration_id":"national_id","proof":{"proof_type":"jwt","jwt":"x"}}`, tokA, oid4vci.ErrInvalidCredentialRequest, 400},
			{"batch larger than offered", "application/json", credReq("national_id", good(holder[0], n), good(holder[1], n), good(holder[2], n)), tokA, oid4vci.ErrInvalidCredentialRequest, 400},
			{"batch larger than metadata", "application/json", credReq("national_id", good(holder[0], n), good(holder[1], n), good(holder[2], n), good(holder[3], n), good(holder[4], n)), tokA, oid4vci.ErrInvalidCredentialRequest, 400},
			{"proof typ", "application/json", credReq("national_id", wrongTyp), tokA, oid4vci.ErrInvalidProof, 400},
			{"proof aud", "application/json", credReq("national_id", proof(t, holder[0], oid4vci.ProofClaims{Aud: "https://other.example", Iat: e.now.Unix(), Nonce: n})), tokA, oid4vci.ErrInvalidProof, 400},
			{"proof old iat", "application/json", credReq("national_id", proof(t, holder[0], oid4vci.ProofClaims{Aud: e.srv.URL, Iat: e.now.Add(-time.Hour).Unix(), Nonce: n})), tokA, oid4vci.ErrInvalidProof, 400},
			{"proof signed by another key", "application/json", credReq("national_id", wrongKey), tokA, oid4vci.ErrInvalidProof, 400},
			{"same key twice", "application/json", credReq("national_id", good(holder[0], n), good(holder[0], n)), tokA, oid4vci.ErrInvalidProof, 400},
			{"proof without nonce", "application/json", credReq("national_id", proof(t, holder[0], oid4vci.ProofClaims{Aud: e.srv.URL, Iat: e.now.Unix()})), tokA, oid4vci.ErrInvalidNonce, 400},
			{"unknown nonce", "application/json", credReq("national_id", good(holder[0], "made-up")), tokA, oid4vci.ErrInvalidNonce, 400},
			{"wrong content type", "text/plain", credReq("national_id", good(holder[0], n)), tokA, oid4vci.ErrInvalidCredentialRequest, 400},
			{"not JSON", "application/json", `{"credential_configuration_id":`, tokA, oid4vci.ErrInvalidCredentialRequest, 400},
			{"oversize", "application/json", `{"x":"` + strings.Repeat("a", oid4vci.MaxCredentialRequestBytes) + `"}`, tokA, oid4vci.ErrInvalidCredentialRequest, 400},
		} {
			st, m := e.post("/credential", c.ctype, c.body, c.bearer)
			if st != c.status || m["error"] != c.want {
				t.Errorf("%s: %d %v, want %d %s", c.name, st, m, c.status, c.want)
			}
		}
		// The good request passes; the same nonce replayed is refused; the token is spent.
		if st, m := e.post("/credential", "application/json", credReq("national_id", good(holder[0], n), good(holder[1], n)), tokA); st != 200 {
			t.Fatalf("good request: %d %v", st, m)
		}
		tokB := newToken(0)
		if st, m := e.post("/credential", "application/json", credReq("national_id", good(holder[2], n)), tokB); st != 400 || m["error"] != oid4vci.ErrInvalidNonce {
			t.Errorf("replayed nonce: %d %v", st, m)
		}
		if st, m := e.post("/credential", "application/json", credReq("national_id", good(holder[2], e.nonce())), tokA); st != 401 || m["error"] != oid4vci.ErrInvalidToken {
			t.Errorf("spent token: %d %v", st, m)
		}
	})
	t.Run("schema", func(t *testing.T) {
		before := e.ledger.Creates
		for _, rec := range []string{"bad-nationality", "no-family-name"} {
			tok := e.accessToken(e.offer(rec, false, 1))
			st, m := e.post("/credential", "application/json", credReq("national_id", good(holder[3], e.nonce())), tok)
			if st != 400 || m["error"] != oid4vci.ErrCredentialRequestDenied {
				t.Errorf("%s: %d %v, want credential_request_denied", rec, st, m)
			}
		}
		bs, _ := e.store.Batches("", 100)
		for _, b := range bs {
			if len(b.Credentials) == 1 {
				t.Errorf("a refused record was recorded: %+v", b)
			}
		}
		_ = before
	})
}

func jwkMap(t *testing.T, k keys.PrivateKey) map[string]any {
	b, err := k.Public().JWK()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

// A list that fills makes the service create a new one on the ledger; indices stay distinct.
func TestNewListWhenFull(t *testing.T) {
	e := newEnv(t, func(c *service.Config) { c.BatchSize = 4 })
	e.ledger.Size = 8
	seen := map[string]bool{}
	for i := 0; i < 5; i++ {
		o := e.offer("880412-14-5566", false, 3)
		got, _, err := (&oid4vci.Wallet{BatchSize: 3}).Receive(context.Background(), o.URIByValue, "")
		if err != nil {
			t.Fatal(err)
		}
		_ = got
	}
	bs, _ := e.store.Batches("", 100)
	for _, b := range bs {
		for _, c := range b.Credentials {
			k := fmt.Sprintf("%d/%d", c.ListID, c.Index)
			if seen[k] {
				t.Fatalf("index %s allocated twice", k)
			}
			seen[k] = true
		}
	}
	if e.ledger.Creates < 3 {
		t.Fatalf("15 credentials in lists of 8 made %d lists", e.ledger.Creates)
	}
}

// The W3C form of the status list: a BitstringStatusListCredential secured as a vc+jwt.
func TestBitstringStatusList(t *testing.T) {
	e := newEnv(t, nil)
	o := e.offer("880412-14-5566", false, 1)
	if _, _, err := (&oid4vci.Wallet{BatchSize: 1}).Receive(context.Background(), o.URIByValue, ""); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(e.svc.ListURI(1) + "?format=bitstring")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != service.ContentVCJWT {
		t.Fatalf("%s %s", resp.Status, b)
	}
	tok, err := jws.Parse(string(b), nil)
	if err != nil || tok.Typ != "vc+jwt" || tok.Verify(e.svc.Config().Key.Public()) != nil {
		t.Fatalf("%v %+v", err, tok)
	}
	var vc struct {
		Type    []string `json:"type"`
		Issuer  string   `json:"issuer"`
		Subject struct {
			EncodedList string `json:"encodedList"`
			StatusSize  int    `json:"statusSize"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(tok.Payload, &vc); err != nil || vc.Type[1] != "BitstringStatusListCredential" || vc.Issuer != e.did ||
		vc.Subject.StatusSize != 2 || vc.Subject.EncodedList == "" {
		t.Fatalf("%v %+v", err, vc)
	}
	// Another issuer's list, or none: 404.
	r, err := http.Get(e.svc.ListURI(99))
	if err != nil {
		t.Fatal(err)
	}
	_ = r.Body.Close()
	if r.StatusCode != 404 {
		t.Fatalf("unknown list: %s", r.Status)
	}
}

func TestAdminKeys(t *testing.T) {
	for _, bad := range []string{"", "x", "a=short", "a=sha256:zz"} {
		if _, err := service.ParseAdminKeys(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := service.ParseAdminKeys("desk=0123456789abcdef0123,ops=sha256:" + strings.Repeat("ab", 32)); err != nil {
		t.Fatal(err)
	}
}

// Suspend and reinstate act on the whole batch, one ledger transaction each; revoked is final.
func TestSuspendReinstate(t *testing.T) {
	e := newEnv(t, nil)
	o := e.offer("880412-14-5566", false, 2)
	if _, _, err := (&oid4vci.Wallet{BatchSize: 2}).Receive(context.Background(), o.URIByValue, ""); err != nil {
		t.Fatal(err)
	}
	bs, _ := e.store.Batches("", 1)
	b := bs[0]
	for _, step := range []struct {
		value uint8
		want  string
	}{{2, "suspended"}, {0, "valid"}, {1, "revoked"}} {
		before := e.ledger.Txs
		got, _, _, err := e.svc.SetStatus(context.Background(), b.Credentials[1].ID, step.value)
		if err != nil || got.Status != step.want || e.ledger.Txs != before+1 {
			t.Fatalf("%s: %v %+v (%d txs)", step.want, err, got, e.ledger.Txs-before)
		}
		for _, c := range b.Credentials {
			if v := e.ledger.Get(c.ListID, c.Index); v != step.value {
				t.Fatalf("%s: entry %d is %d", step.want, c.Index, v)
			}
		}
	}
	if _, _, _, err := e.svc.SetStatus(context.Background(), b.Credentials[0].ID, 0); err == nil {
		t.Fatal("a revoked batch was reinstated")
	}
	if _, _, _, err := e.svc.SetStatus(context.Background(), "urn:uuid:nope", 1); !errors.Is(err, service.ErrUnknownCredential) {
		t.Fatalf("unknown credential: %v", err)
	}
}

// An offer by reference is served (and its QR code) while open, and 404 once redeemed.
func TestOfferByReference(t *testing.T) {
	e := newEnv(t, nil)
	o := e.offer("880412-14-5566", false, 0)
	_, ref, err := oid4vci.ParseOfferURI(o.URIByReference)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{ref, ref + "/qr.png"} {
		r, err := http.Get(u)
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("%s: %v %v", u, err, r)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if strings.HasSuffix(u, ".png") && string(b[1:4]) != "PNG" {
			t.Fatal("not a PNG")
		}
		if !strings.HasSuffix(u, ".png") {
			if off, err := oid4vci.ParseOffer(b); err != nil || off.CredentialIssuer != e.srv.URL {
				t.Fatalf("offer %v %s", err, b)
			}
		}
	}
	e.accessToken(o)
	r, err := http.Get(ref)
	if err != nil {
		t.Fatal(err)
	}
	_ = r.Body.Close()
	if r.StatusCode != 404 {
		t.Fatalf("redeemed offer still served: %s", r.Status)
	}
	if _, _, err := oid4vci.ParseOfferURI("openid-credential-offer://?credential_offer_uri=ftp%3A%2F%2Fx"); oid4vci.CodeOf(err) != oid4vci.ErrInvalidRequest {
		t.Fatal(err)
	}
}
