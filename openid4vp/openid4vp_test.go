package openid4vp

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/keys"
)

const (
	did   = "did:amanah:test:bank"
	kid   = did + "#key-1"
	query = `{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["urn:vct:id"]},"claims":[{"path":["given_name"]}]}]}`
)

type fixture struct {
	key  keys.PrivateKey
	ek   *EncryptionKey
	now  time.Time
	resv KeyResolver
}

func newFixture(t testing.TB) *fixture {
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := NewEncryptionKey("state-1")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{key: k, ek: ek, now: time.Unix(1_800_000_000, 0)}
	f.resv = func(_ context.Context, d, id string) (keys.PublicKey, error) {
		if d == did && id == kid {
			return k.Public(), nil
		}
		return keys.PublicKey{}, errors.New("not an assertionMethod")
	}
	return f
}

func (f *fixture) object(t testing.TB) *RequestObject {
	pub, err := f.ek.PublicJWK()
	if err != nil {
		t.Fatal(err)
	}
	return &RequestObject{Iss: ClientIDOf(did), Aud: AudSelfIssued, ClientID: ClientIDOf(did), ResponseType: ResponseTypeVPToken,
		ResponseMode: ModeDirectPostJWT, ResponseURI: "https://verifier.example/oid4vp/response", Nonce: "n-1", State: "state-1",
		DCQLQuery: json.RawMessage(query), IssuedAt: f.now.Unix(), Expires: f.now.Add(time.Minute).Unix(),
		ClientMetadata: &ClientMetadata{JWKS: &JWKS{Keys: []json.RawMessage{pub}}, EncValues: []string{EncA128GCM, EncA256GCM}, VPFormats: VPFormatsSupported()}}
}

func (f *fixture) sign(t testing.TB, hdr map[string]any, ro any) string {
	b, err := json.Marshal(ro)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.Sign(context.Background(), jws.NewKeySigner(f.key), hdr, b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRequest(t *testing.T) {
	f := newFixture(t)
	good := f.sign(t, map[string]any{"typ": TypRequest, "kid": kid}, f.object(t))
	v, err := VerifyRequest(context.Background(), good, ClientIDOf(did), f.resv, f.now)
	if err != nil {
		t.Fatal(err)
	}
	if v.DID != did || v.Query.Credentials[0].ID != "pid" {
		t.Fatalf("%+v", v)
	}
	edit := func(fn func(*RequestObject)) string {
		ro := f.object(t)
		fn(ro)
		return f.sign(t, map[string]any{"typ": TypRequest, "kid": kid}, ro)
	}
	other, _ := keys.Generate(keys.Ed25519)
	forged, _ := jws.Sign(context.Background(), jws.NewKeySigner(other), map[string]any{"typ": TypRequest, "kid": kid}, mustJSON(t, f.object(t)))
	parts := strings.Split(good, ".")
	for name, tc := range map[string]struct {
		jar, client string
		code        Code
	}{
		"not a JWS":          {"abc", "", CodeRequestObjectMalformed},
		"alg none":           {base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"oauth-authz-req+jwt"}`)) + "." + parts[1] + ".", "", CodeRequestObjectMalformed},
		"wrong typ":          {f.sign(t, map[string]any{"typ": "JWT", "kid": kid}, f.object(t)), "", CodeRequestObjectTyp},
		"no typ":             {f.sign(t, map[string]any{"kid": kid}, f.object(t)), "", CodeRequestObjectTyp},
		"signature":          {forged, "", CodeRequestObjectSignature},
		"tampered payload":   {parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(mustJSON(t, f.object(t))), "n-1", "n-2", 1))) + "." + parts[2], "", CodeRequestObjectSignature},
		"x509 client id":     {edit(func(r *RequestObject) { r.ClientID = "x509_san_dns:bank.example" }), "x509_san_dns:bank.example", CodeClientIDPrefix},
		"client id mismatch": {good, ClientIDOf("did:amanah:test:other"), CodeClientIDMismatch},
		"kid of another DID": {f.sign(t, map[string]any{"typ": TypRequest, "kid": "did:amanah:test:other#key-1"}, f.object(t)), "", CodeRequestKidInvalid},
		"kid not assertion":  {f.sign(t, map[string]any{"typ": TypRequest, "kid": did + "#key-2"}, f.object(t)), "", CodeClientUnknown},
		"expired":            {edit(func(r *RequestObject) { r.Expires = f.now.Unix() }), "", CodeRequestExpired},
		"no exp":             {edit(func(r *RequestObject) { r.Expires = 0 }), "", CodeRequestExpired},
		"iat future":         {edit(func(r *RequestObject) { r.IssuedAt = f.now.Add(time.Hour).Unix() }), "", CodeRequestInvalid},
		"response_type":      {edit(func(r *RequestObject) { r.ResponseType = "code" }), "", CodeRequestInvalid},
		"response_mode":      {edit(func(r *RequestObject) { r.ResponseMode = "fragment" }), "", CodeRequestInvalid},
		"no nonce":           {edit(func(r *RequestObject) { r.Nonce = "" }), "", CodeRequestInvalid},
		"no state":           {edit(func(r *RequestObject) { r.State = "" }), "", CodeRequestInvalid},
		"http response_uri":  {edit(func(r *RequestObject) { r.ResponseURI = "http://verifier.example/r" }), "", CodeRequestInvalid},
		"no jwks for jwt":    {edit(func(r *RequestObject) { r.ClientMetadata.JWKS = nil }), "", CodeRequestInvalid},
		"no usable enc":      {edit(func(r *RequestObject) { r.ClientMetadata.EncValues = []string{"A128CBC-HS256"} }), "", CodeRequestInvalid},
		"ed25519 enc key": {edit(func(r *RequestObject) {
			j, _ := other.Public().JWK()
			r.ClientMetadata.JWKS.Keys = []json.RawMessage{j}
		}), "", CodeRequestInvalid},
		"bad dcql":       {edit(func(r *RequestObject) { r.DCQLQuery = json.RawMessage(`{"credentials":[]}`) }), "", CodeRequestInvalid},
		"no dcql":        {edit(func(r *RequestObject) { r.DCQLQuery = nil }), "", CodeRequestInvalid},
		"duplicate name": {f.sign(t, map[string]any{"typ": TypRequest, "kid": kid}, json.RawMessage(`{"client_id":"a","client_id":"b"}`)), "", CodeRequestObjectMalformed},
		"oversize":       {strings.Repeat("a", MaxRequestObjectLen+1), "", CodeRequestObjectMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			client := tc.client
			if client == "" {
				client = ClientIDOf(did)
			}
			_, err := VerifyRequest(context.Background(), tc.jar, client, f.resv, f.now)
			if CodeOf(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseURI(t *testing.T) {
	u := BuildURI(ClientIDOf(did), "https://v.example/oid4vp/requests/s")
	c, r, err := ParseURI(u)
	if err != nil || c != ClientIDOf(did) || r != "https://v.example/oid4vp/requests/s" {
		t.Fatalf("%q %q %v", c, r, err)
	}
	for name, tc := range map[string]struct {
		uri  string
		code Code
	}{
		"https scheme":    {"https://v.example/?client_id=a&request_uri=b", CodeRequestURIInvalid},
		"no request_uri":  {"openid4vp://?client_id=" + url.QueryEscape(ClientIDOf(did)), CodeRequestURIInvalid},
		"no client_id":    {"openid4vp://?request_uri=https://v.example/r", CodeRequestURIInvalid},
		"by value":        {"openid4vp://?client_id=" + url.QueryEscape(ClientIDOf(did)) + "&request=eyJ", CodeRequestURIInvalid},
		"repeated":        {u + "&request_uri=https://evil.example/r", CodeRequestURIInvalid},
		"plain http":      {BuildURI(ClientIDOf(did), "http://v.example/r"), CodeRequestURIInvalid},
		"redirect_uri id": {BuildURI("redirect_uri:https://v.example", "https://v.example/r"), CodeClientIDPrefix},
		"post method":     {u + "&request_uri_method=post", CodeRequestURIInvalid},
		"bad escape":      {"openid4vp://?client_id=%zz", CodeRequestURIInvalid},
		"oversize":        {"openid4vp://?client_id=" + strings.Repeat("a", MaxRequestURILen), CodeRequestURIInvalid},
		"relative uri":    {BuildURI(ClientIDOf(did), "/r"), CodeRequestURIInvalid},
		"userinfo in uri": {BuildURI(ClientIDOf(did), "https://u:p@v.example/r"), CodeRequestURIInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := ParseURI(tc.uri)
			if CodeOf(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
	// http on loopback is allowed (tests, a wallet on the same machine).
	if _, _, err := ParseURI(BuildURI(ClientIDOf(did), "http://127.0.0.1:8080/r")); err != nil {
		t.Fatal(err)
	}
}

func TestResponses(t *testing.T) {
	f := newFixture(t)
	ro := f.object(t)
	resp := &Response{VPToken: map[string][]string{"pid": {"a~b~c"}}, State: "state-1"}
	for _, enc := range []string{EncA128GCM, EncA256GCM} {
		key, _, err := ro.EncryptionKey()
		if err != nil {
			t.Fatal(err)
		}
		jwe, err := EncryptResponse(key, enc, resp)
		if err != nil {
			t.Fatal(err)
		}
		if k, err := JWEKeyID(jwe); err != nil || k != "state-1" {
			t.Fatalf("kid %q %v", k, err)
		}
		got, err := DecryptResponse(jwe, f.ek)
		if err != nil || got.State != "state-1" || got.VPToken["pid"][0] != "a~b~c" {
			t.Fatalf("%s: %+v %v", enc, got, err)
		}
		// Another key (same kid): not decryptable.
		wrong, _ := NewEncryptionKey("state-1")
		if _, err := DecryptResponse(jwe, wrong); CodeOf(err) != CodeResponseDecryptFailed {
			t.Fatalf("wrong key: %v", err)
		}
	}
	form, err := resp.Form()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ParseDirectPost(form); err != nil || got.VPToken["pid"][0] != "a~b~c" {
		t.Fatalf("%+v %v", got, err)
	}
	for name, tc := range map[string]struct {
		form url.Values
		code Code
	}{
		"no state":          {url.Values{"vp_token": {`{"pid":["x"]}`}}, CodeStateMissing},
		"no vp_token":       {url.Values{"state": {"s"}}, CodeVPTokenInvalid},
		"vp_token string":   {url.Values{"vp_token": {`"x~y~"`}, "state": {"s"}}, CodeVPTokenInvalid},
		"vp_token {}":       {url.Values{"vp_token": {`{}`}, "state": {"s"}}, CodeVPTokenInvalid},
		"not an array":      {url.Values{"vp_token": {`{"pid":"x"}`}, "state": {"s"}}, CodeVPTokenInvalid},
		"empty array":       {url.Values{"vp_token": {`{"pid":[]}`}, "state": {"s"}}, CodeVPTokenInvalid},
		"number":            {url.Values{"vp_token": {`{"pid":[1]}`}, "state": {"s"}}, CodeVPTokenInvalid},
		"duplicate id":      {url.Values{"vp_token": {`{"pid":["a"],"pid":["b"]}`}, "state": {"s"}}, CodeVPTokenInvalid},
		"state twice":       {url.Values{"vp_token": {`{"pid":["a"]}`}, "state": {"s", "t"}}, CodeResponseMalformed},
		"long state":        {url.Values{"vp_token": {`{"pid":["a"]}`}, "state": {strings.Repeat("s", MaxStateLen+1)}}, CodeStateUnknown},
		"wallet error":      {url.Values{"error": {"access_denied"}, "state": {"s"}}, CodeResponseMalformed},
		"encrypted in form": {url.Values{"response": {"a.b.c.d.e"}, "state": {"s"}}, CodeResponseMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseDirectPost(tc.form)
			if CodeOf(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
	for name, tc := range map[string]struct {
		jwe  string
		code Code
	}{
		"not a JWE":  {"a.b.c", CodeResponseMalformed},
		"garbage":    {"a.b.c.d.e", CodeResponseMalformed},
		"oversize":   {strings.Repeat("a", MaxResponseLen+1), CodeResponseTooLarge},
		"signed JWS": {f.sign(t, map[string]any{"typ": "JWT"}, resp), CodeResponseMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := JWEKeyID(tc.jwe)
			if CodeOf(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}

func FuzzVerifyRequest(f *testing.F) {
	fx := newFixture(f)
	f.Add(fx.sign(f, map[string]any{"typ": TypRequest, "kid": kid}, fx.object(f)))
	f.Add("eyJhbGciOiJFZERTQSJ9.e30.")
	f.Fuzz(func(t *testing.T, jar string) {
		v, err := VerifyRequest(context.Background(), jar, ClientIDOf(did), fx.resv, fx.now)
		if err != nil {
			if CodeOf(err) == "" {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if v.Object.ClientID != ClientIDOf(did) || v.Query == nil {
			t.Fatalf("accepted %+v", v.Object)
		}
	})
}

func FuzzParseResponse(f *testing.F) {
	fx := newFixture(f)
	resp := &Response{VPToken: map[string][]string{"pid": {"a~b~c"}}, State: "state-1"}
	key, enc, _ := fx.object(f).EncryptionKey()
	jwe, _ := EncryptResponse(key, enc, resp)
	f.Add("vp_token=%7B%22pid%22%3A%5B%22a%22%5D%7D&state=s", jwe)
	f.Add("state=s", "a.b.c.d.e")
	f.Fuzz(func(t *testing.T, body, jwe string) {
		if form, err := url.ParseQuery(body); err == nil {
			if _, err := ParseDirectPost(form); err != nil && CodeOf(err) == "" {
				t.Fatalf("error without a code: %v", err)
			}
		}
		if _, err := JWEKeyID(jwe); err != nil && CodeOf(err) == "" {
			t.Fatalf("error without a code: %v", err)
		}
		if _, err := DecryptResponse(jwe, fx.ek); err != nil && CodeOf(err) == "" {
			t.Fatalf("error without a code: %v", err)
		}
	})
}

// The verifier stores its encryption key as the raw P-256 scalar (kid: the
// transaction's state) and still reads the private JWK earlier versions stored.
func TestEncryptionKeyStorage(t *testing.T) {
	f := newFixture(t)
	key, enc, err := f.object(t).EncryptionKey()
	if err != nil {
		t.Fatal(err)
	}
	jwe, err := EncryptResponse(key, enc, &Response{VPToken: map[string][]string{"pid": {"a~b~c"}}, State: "state-1"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := f.ek.MarshalPrivate()
	if err != nil || len(raw) != 32 {
		t.Fatalf("raw key of %d bytes: %v", len(raw), err)
	}
	legacy, err := f.ek.Private.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseResponseJWE(jwe)
	if err != nil || parsed.KeyID() != "state-1" {
		t.Fatalf("kid %v", err)
	}
	for name, b := range map[string][]byte{"raw": raw, "legacy JWK": legacy} {
		ek, err := ParseEncryptionKey("state-1", b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := parsed.Decrypt(ek)
		if err != nil || got.VPToken["pid"][0] != "a~b~c" {
			t.Fatalf("%s: %+v %v", name, got, err)
		}
	}
	// A raw scalar may begin with any byte, '{' too.
	for _, first := range []byte{'{', '"', ' ', 0} {
		k := append([]byte{first}, raw[1:]...)
		if ek, err := ParseEncryptionKey("state-1", k); err != nil || ek.Private.KeyID != "state-1" {
			t.Fatalf("raw key beginning with %q: %v", first, err)
		}
	}
	// The raw key under another kid: refused before decrypting.
	other, err := ParseEncryptionKey("state-2", raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parsed.Decrypt(other); CodeOf(err) != CodeResponseDecryptFailed {
		t.Fatalf("other kid: %v", err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p384JWK, err := (&jose.JSONWebKey{Key: p384, KeyID: "state-1"}).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	p256Pub, err := f.ek.PublicJWK()
	if err != nil {
		t.Fatal(err)
	}
	n := elliptic.P256().Params().N.Bytes()
	for name, b := range map[string][]byte{
		"empty":        nil,
		"31 bytes":     raw[:31],
		"33 bytes":     append(append([]byte{}, raw...), 0),
		"zero scalar":  make([]byte, 32),
		"the order n":  n,
		"all 0xff":     bytes.Repeat([]byte{0xff}, 32),
		"empty JSON":   []byte("{}"),
		"broken JSON":  []byte(`{"kty":"EC"`),
		"public JWK":   p256Pub,
		"P-384 JWK":    p384JWK,
		"P-384 scalar": mustBytes(t, p384),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseEncryptionKey("state-1", b); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func FuzzParseEncryptionKey(f *testing.F) {
	fx := newFixture(f)
	raw, _ := fx.ek.MarshalPrivate()
	legacy, _ := fx.ek.Private.MarshalJSON()
	f.Add(raw)
	f.Add(legacy)
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ek, err := ParseEncryptionKey("state-1", b)
		if err != nil {
			return
		}
		pk, ok := ek.Private.Key.(*ecdsa.PrivateKey)
		if !ok || pk.Curve != elliptic.P256() {
			t.Fatalf("accepted %x", b)
		}
		if _, err := pk.ECDH(); err != nil { // not a valid P-256 key (point not on the curve)
			t.Fatalf("accepted %x: %v", b, err)
		}
	})
}

// mustBytes is k's scalar, fixed length (ecdsa.PrivateKey.Bytes).
func mustBytes(t *testing.T, k *ecdsa.PrivateKey) []byte {
	t.Helper()
	b, err := k.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
