package openid4vp

import (
	"bytes"

	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/amanah-id/amanah/jsonstrict"
)

// MaxPresentations bounds the presentations of one vp_token.
const MaxPresentations = 16

// Response is the wallet's authorization response.
type Response struct {
	// VPToken maps each credential query id to its presentations.
	VPToken map[string][]string `json:"vp_token"`
	// State echoes the request's state.
	State string `json:"state"`
}

// EncryptionKey is a verifier's ephemeral ECDH-ES P-256 key pair.
type EncryptionKey struct {
	// Private is the private JWK (kept by the verifier, in its state store).
	Private jose.JSONWebKey
}

// NewEncryptionKey generates an ephemeral P-256 key whose JWK carries kid.
func NewEncryptionKey(kid string) (*EncryptionKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return &EncryptionKey{Private: jose.JSONWebKey{Key: k, KeyID: kid, Algorithm: AlgECDHES, Use: "enc"}}, nil
}

// PublicJWK returns the public JWK (for client_metadata.jwks).
func (k *EncryptionKey) PublicJWK() (json.RawMessage, error) {
	return k.Private.Public().MarshalJSON()
}

// MarshalPrivate returns the private key for a state store: its raw
// 32-byte scalar (the kid is the transaction's state, stored beside it).
func (k *EncryptionKey) MarshalPrivate() ([]byte, error) {
	priv, ok := k.Private.Key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, Errorf(CodeRequestInvalid, "not an EC private key")
	}
	return priv.Bytes()
}

// rawKeyLen is the length of a raw P-256 scalar; a private JWK is longer.
const rawKeyLen = 32

// ParseEncryptionKey reads a private key written by MarshalPrivate (the raw
// P-256 scalar, 32 bytes; kid is the key's kid) or, as earlier versions
// wrote it, a private JWK (JSON, longer; its own kid).
func ParseEncryptionKey(kid string, b []byte) (*EncryptionKey, error) {
	if len(b) != rawKeyLen {
		var j jose.JSONWebKey
		if err := j.UnmarshalJSON(b); err != nil {
			return nil, err
		}
		if pk, ok := j.Key.(*ecdsa.PrivateKey); !ok || pk.Curve != elliptic.P256() {
			return nil, Errorf(CodeRequestInvalid, "not a P-256 private key")
		}
		return &EncryptionKey{Private: j}, nil
	}
	// ParseRawPrivateKey checks the scalar and computes the public point.
	pk, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b)
	if err != nil {
		return nil, Errorf(CodeRequestInvalid, "not a P-256 private key: %v", err)
	}
	return &EncryptionKey{Private: jose.JSONWebKey{Key: pk, KeyID: kid, Algorithm: AlgECDHES, Use: "enc"}}, nil
}

// EncryptionKey returns the request's encryption key (the first P-256 key
// of client_metadata.jwks usable for ECDH-ES) and the content encryption
// the wallet should use (A128GCM if offered, else A256GCM).
func (ro *RequestObject) EncryptionKey() (*jose.JSONWebKey, string, error) {
	md := ro.ClientMetadata
	if md == nil || md.JWKS == nil || len(md.JWKS.Keys) == 0 {
		return nil, "", Errorf(CodeRequestInvalid, "direct_post.jwt without client_metadata.jwks")
	}
	var enc string
	for _, e := range []string{EncA128GCM, EncA256GCM} {
		if slices.Contains(md.EncValues, e) || (len(md.EncValues) == 0 && e == EncA128GCM) {
			enc = e
			break
		}
	}
	if enc == "" {
		return nil, "", Errorf(CodeRequestInvalid, "encrypted_response_enc_values_supported %v: none of A128GCM, A256GCM", md.EncValues)
	}
	for _, raw := range md.JWKS.Keys {
		var j jose.JSONWebKey
		if err := j.UnmarshalJSON(raw); err != nil || !j.IsPublic() {
			continue
		}
		pk, ok := j.Key.(*ecdsa.PublicKey)
		if !ok || pk.Curve != elliptic.P256() || (j.Use != "" && j.Use != "enc") || (j.Algorithm != "" && j.Algorithm != AlgECDHES) {
			continue
		}
		if _, err := pk.ECDH(); err != nil {
			continue
		}
		return &j, enc, nil
	}
	return nil, "", Errorf(CodeRequestInvalid, "client_metadata.jwks: no P-256 key for ECDH-ES")
}

// Encrypt returns the JWE (compact) of resp for the request's encryption key.
func (ro *RequestObject) Encrypt(resp *Response) (string, error) {
	key, enc, err := ro.EncryptionKey()
	if err != nil {
		return "", err
	}
	return EncryptResponse(key, enc, resp)
}

// EncryptResponse returns the JWE (compact, ECDH-ES) of resp for key.
func EncryptResponse(key *jose.JSONWebKey, enc string, resp *Response) (string, error) {
	e, err := jose.NewEncrypter(jose.ContentEncryption(enc),
		jose.Recipient{Algorithm: jose.ECDH_ES, Key: key.Key, KeyID: key.KeyID}, nil)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(resp)
	if err != nil {
		return "", err
	}
	obj, err := e.Encrypt(b)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// JWE is a parsed compact JWE response (ECDH-ES, A128GCM or A256GCM).
type JWE struct{ obj *jose.JSONWebEncryption }

// ParseResponseJWE parses a compact JWE response (at most MaxResponseLen
// bytes, ECDH-ES, A128GCM or A256GCM, with a kid).
func ParseResponseJWE(compact string) (*JWE, error) {
	if len(compact) > MaxResponseLen {
		return nil, Errorf(CodeResponseTooLarge, "response of %d bytes (max %d)", len(compact), MaxResponseLen)
	}
	obj, err := parseJWE(compact)
	if err != nil {
		return nil, err
	}
	if obj.Header.KeyID == "" {
		return nil, Errorf(CodeResponseMalformed, "JWE without kid")
	}
	return &JWE{obj: obj}, nil
}

// KeyID is the JWE's kid (the verifier's key, which names the transaction).
func (j *JWE) KeyID() string { return j.obj.Header.KeyID }

// Decrypt decrypts the JWE with key (whose kid must be the JWE's) and parses the response.
func (j *JWE) Decrypt(key *EncryptionKey) (*Response, error) {
	if j.obj.Header.KeyID != key.Private.KeyID {
		return nil, Errorf(CodeResponseDecryptFailed, "JWE for key %q, not %q", j.obj.Header.KeyID, key.Private.KeyID)
	}
	priv, ok := key.Private.Key.(*ecdsa.PrivateKey)
	if !ok || priv.Curve != elliptic.P256() {
		return nil, Errorf(CodeResponseDecryptFailed, "not a P-256 private key")
	}
	// go-jose checks that the sender's ephemeral key is on P-256.
	pt, err := j.obj.Decrypt(priv)
	if err != nil {
		return nil, Errorf(CodeResponseDecryptFailed, "%v", err)
	}
	return ParseResponseJSON(pt)
}

// JWEKeyID parses a compact JWE (ECDH-ES, A128GCM or A256GCM) and returns
// its kid (the verifier's key, which names the transaction).
func JWEKeyID(compact string) (string, error) {
	j, err := ParseResponseJWE(compact)
	if err != nil {
		return "", err
	}
	return j.KeyID(), nil
}

func parseJWE(compact string) (*jose.JSONWebEncryption, error) {
	if strings.Count(compact, ".") != 4 {
		return nil, Errorf(CodeResponseMalformed, "not a compact JWE")
	}
	obj, err := jose.ParseEncryptedCompact(compact, []jose.KeyAlgorithm{jose.ECDH_ES}, []jose.ContentEncryption{jose.A128GCM, jose.A256GCM})
	if err != nil {
		return nil, Errorf(CodeResponseMalformed, "JWE: %v", err)
	}
	return obj, nil
}

// DecryptResponse decrypts a compact JWE response with key and parses it.
func DecryptResponse(compact string, key *EncryptionKey) (*Response, error) {
	obj, err := parseJWE(compact)
	if err != nil {
		return nil, err
	}
	return (&JWE{obj: obj}).Decrypt(key)
}

// ParseResponseJSON reads a decrypted response: {"vp_token": {...}, "state": "..."}.
func ParseResponseJSON(b []byte) (*Response, error) {
	m, err := jsonstrict.DecodeObject(b, jsonstrict.Limits{MaxBytes: MaxResponseLen})
	if err != nil {
		return nil, Errorf(CodeResponseMalformed, "%v", err)
	}
	st, _ := m["state"].(string)
	vp, ok := m["vp_token"]
	if !ok {
		return nil, Errorf(CodeVPTokenInvalid, "vp_token missing")
	}
	raw, _ := json.Marshal(vp)
	return parseResponse(raw, st)
}

// ParseDirectPost reads a direct_post form: vp_token (JSON) and state. A
// form carrying "response" (an encrypted response) is refused here.
func ParseDirectPost(form url.Values) (*Response, error) {
	for k, v := range form {
		if len(v) != 1 {
			return nil, Errorf(CodeResponseMalformed, "parameter %q given %d times", k, len(v))
		}
	}
	if form.Has("response") {
		return nil, Errorf(CodeResponseMalformed, "an encrypted response in a direct_post form")
	}
	if form.Has("error") {
		return nil, Errorf(CodeResponseMalformed, "wallet error %q: %s", form.Get("error"), form.Get("error_description"))
	}
	return parseResponse([]byte(form.Get("vp_token")), form.Get("state"))
}

func parseResponse(vp []byte, state string) (*Response, error) {
	if state == "" {
		return nil, Errorf(CodeStateMissing, "state missing")
	}
	if len(state) > MaxStateLen {
		return nil, Errorf(CodeStateUnknown, "state longer than %d bytes", MaxStateLen)
	}
	if len(bytes.TrimSpace(vp)) == 0 {
		return nil, Errorf(CodeVPTokenInvalid, "vp_token missing")
	}
	m, err := jsonstrict.DecodeObject(vp, jsonstrict.Limits{MaxBytes: MaxResponseLen, MaxDepth: 3})
	if err != nil {
		return nil, Errorf(CodeVPTokenInvalid, "vp_token is not a JSON object: %v", err)
	}
	if len(m) == 0 || len(m) > MaxPresentations {
		return nil, Errorf(CodeVPTokenInvalid, "vp_token: 1 to %d credential query ids", MaxPresentations)
	}
	out := &Response{VPToken: make(map[string][]string, len(m)), State: state}
	n := 0
	for id, v := range m {
		arr, ok := v.([]any)
		if !ok || len(arr) == 0 {
			return nil, Errorf(CodeVPTokenInvalid, "vp_token[%q]: a non-empty array of presentations", id)
		}
		for _, x := range arr {
			s, ok := x.(string)
			if !ok || s == "" {
				return nil, Errorf(CodeVPTokenInvalid, "vp_token[%q]: presentations are non-empty strings", id)
			}
			n++
			out.VPToken[id] = append(out.VPToken[id], s)
		}
	}
	if n > MaxPresentations {
		return nil, Errorf(CodeVPTokenInvalid, "vp_token: %d presentations (max %d)", n, MaxPresentations)
	}
	return out, nil
}

// Form returns the direct_post form of resp.
func (r *Response) Form() (url.Values, error) {
	b, err := json.Marshal(r.VPToken)
	if err != nil {
		return nil, err
	}
	return url.Values{"vp_token": {string(b)}, "state": {r.State}}, nil
}
