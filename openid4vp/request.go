package openid4vp

import (
	"context"
	"encoding/json"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/jsonstrict"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/openid4vp/dcql"
)

// ClientMetadata is the verifier's metadata passed in the request.
type ClientMetadata struct {
	// JWKS holds the verifier's ephemeral encryption key (direct_post.jwt).
	JWKS *JWKS `json:"jwks,omitempty"`
	// EncValues are the supported content encryptions of a response.
	EncValues []string `json:"encrypted_response_enc_values_supported,omitempty"`
	// VPFormats are the supported credential formats and algorithms.
	VPFormats map[string]any `json:"vp_formats_supported"`
}

// JWKS is a JSON Web Key Set of public keys.
type JWKS struct {
	Keys []json.RawMessage `json:"keys"`
}

// VPFormatsSupported is what an Amanah verifier accepts: SD-JWT VCs signed
// (and key-bound) with the ledger's algorithms.
func VPFormatsSupported() map[string]any {
	algs := []string{jws.EdDSA, jws.ES256, jws.ES256K}
	return map[string]any{"dc+sd-jwt": map[string]any{"sd-jwt_alg_values": algs, "kb-jwt_alg_values": algs}}
}

// RequestObject is the authorization request's claims.
type RequestObject struct {
	Iss            string          `json:"iss,omitempty"`
	Aud            string          `json:"aud,omitempty"`
	ClientID       string          `json:"client_id"`
	ResponseType   string          `json:"response_type"`
	ResponseMode   string          `json:"response_mode"`
	ResponseURI    string          `json:"response_uri"`
	Nonce          string          `json:"nonce"`
	State          string          `json:"state"`
	DCQLQuery      json.RawMessage `json:"dcql_query"`
	ClientMetadata *ClientMetadata `json:"client_metadata,omitempty"`
	IssuedAt       int64           `json:"iat"`
	Expires        int64           `json:"exp"`
	// TransactionData is never sent by Amanah; a wallet refuses a request
	// carrying any (OpenID4VP 1.0: an unrecognized type is an error).
	TransactionData []string `json:"transaction_data,omitempty"`
}

// ClientIDOf returns the client id of a relying party DID.
func ClientIDOf(did string) string { return ClientIDPrefixDID + did }

// SignRequest signs ro as a request object with signer, whose key is kid (a
// DID URL of the client's DID, an assertionMethod).
func SignRequest(ctx context.Context, signer jws.Signer, kid string, ro *RequestObject) (string, error) {
	b, err := json.Marshal(ro)
	if err != nil {
		return "", err
	}
	return jws.Sign(ctx, signer, map[string]any{"typ": TypRequest, "kid": kid}, b)
}

// KeyResolver returns the public key kid (a DID URL) if it is an
// assertionMethod of did now; an error wrapping ErrUnknownClient when the
// DID or key is not on the ledger (or not an assertionMethod).
type KeyResolver func(ctx context.Context, did, kid string) (keys.PublicKey, error)

// Verified is a verified request object.
type Verified struct {
	Object *RequestObject
	Query  *dcql.Query
	// DID is the client's DID; Kid the key that signed.
	DID, Kid string
}

// VerifyRequest checks a request object fetched for clientID (the request
// URI's client_id): typ, client id prefix and binding, the signature by an
// assertionMethod key of the client's DID (resolve), the times (now), the
// response type and mode, the response URI, nonce, state, the DCQL query and,
// for direct_post.jwt, the encryption key and enc values.
func VerifyRequest(ctx context.Context, compact, clientID string, resolve KeyResolver, now time.Time) (*Verified, error) {
	if len(compact) > MaxRequestObjectLen {
		return nil, Errorf(CodeRequestObjectMalformed, "request object of %d bytes (max %d)", len(compact), MaxRequestObjectLen)
	}
	tok, err := jws.Parse(strings.TrimSpace(compact), nil)
	if err != nil {
		return nil, Errorf(CodeRequestObjectMalformed, "%v", err)
	}
	if tok.Typ != TypRequest {
		return nil, Errorf(CodeRequestObjectTyp, "typ %q (want %s)", tok.Typ, TypRequest)
	}
	if _, err := jsonstrict.DecodeObject(tok.Payload, jsonstrict.Limits{MaxBytes: MaxRequestObjectLen}); err != nil {
		return nil, Errorf(CodeRequestObjectMalformed, "payload: %v", err)
	}
	var ro RequestObject
	if err := json.Unmarshal(tok.Payload, &ro); err != nil {
		return nil, Errorf(CodeRequestObjectMalformed, "payload: %v", err)
	}
	did, ok := strings.CutPrefix(ro.ClientID, ClientIDPrefixDID)
	if !ok || !strings.HasPrefix(did, "did:") {
		return nil, Errorf(CodeClientIDPrefix, "client_id %q: only %s<did> is supported", ro.ClientID, ClientIDPrefixDID)
	}
	if ro.ClientID != clientID {
		return nil, Errorf(CodeClientIDMismatch, "request object's client_id %q is not the request URI's %q", ro.ClientID, clientID)
	}
	if kdid, _, ok := strings.Cut(tok.Kid, "#"); !ok || kdid != did {
		return nil, Errorf(CodeRequestKidInvalid, "kid %q is not a key of %s", tok.Kid, did)
	}
	pub, err := resolve(ctx, did, tok.Kid)
	if err != nil {
		return nil, Errorf(CodeClientUnknown, "%v", err)
	}
	if err := tok.Verify(pub); err != nil {
		return nil, Errorf(CodeRequestObjectSignature, "%v", err)
	}
	if ro.Expires == 0 || !now.Before(time.Unix(ro.Expires, 0)) {
		return nil, Errorf(CodeRequestExpired, "request expired at %s", time.Unix(ro.Expires, 0).UTC().Format(time.RFC3339))
	}
	if ro.IssuedAt > now.Add(time.Minute).Unix() {
		return nil, Errorf(CodeRequestInvalid, "iat in the future")
	}
	if err := ro.check(); err != nil {
		return nil, err
	}
	q, err := dcql.Parse(ro.DCQLQuery)
	if err != nil {
		return nil, Errorf(CodeRequestInvalid, "dcql_query: %v", err)
	}
	return &Verified{Object: &ro, Query: q, DID: did, Kid: tok.Kid}, nil
}

func (ro *RequestObject) check() error {
	switch {
	case ro.ResponseType != ResponseTypeVPToken:
		return Errorf(CodeRequestInvalid, "response_type %q (want vp_token)", ro.ResponseType)
	case ro.ResponseMode != ModeDirectPost && ro.ResponseMode != ModeDirectPostJWT:
		return Errorf(CodeRequestInvalid, "response_mode %q (want direct_post or direct_post.jwt)", ro.ResponseMode)
	case ro.Nonce == "" || len(ro.Nonce) > MaxNonceLen:
		return Errorf(CodeRequestInvalid, "nonce: required, at most %d bytes", MaxNonceLen)
	case ro.State == "" || len(ro.State) > MaxStateLen:
		return Errorf(CodeRequestInvalid, "state: required, at most %d bytes", MaxStateLen)
	case len(ro.DCQLQuery) == 0:
		return Errorf(CodeRequestInvalid, "dcql_query: required")
	case len(ro.TransactionData) > 0:
		return Errorf(CodeRequestInvalid, "transaction_data: this wallet supports no transaction data type")
	}
	if err := CheckHTTPURL(ro.ResponseURI); err != nil {
		return Errorf(CodeRequestInvalid, "response_uri: %v", err)
	}
	if ro.ResponseMode == ModeDirectPostJWT {
		if _, _, err := ro.EncryptionKey(); err != nil {
			return err
		}
	}
	return nil
}

// CheckHTTPURL accepts an absolute https URL, or http on a loopback host.
func CheckHTTPURL(raw string) error {
	if raw == "" || len(raw) > MaxRequestURILen {
		return Errorf(CodeRequestInvalid, "required, at most %d bytes", MaxRequestURILen)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return Errorf(CodeRequestInvalid, "%q is not an absolute URL", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if h := u.Hostname(); h == "localhost" || (net.ParseIP(h) != nil && net.ParseIP(h).IsLoopback()) {
			return nil
		}
	}
	return Errorf(CodeRequestInvalid, "%q: https required (http only on loopback)", raw)
}

// BuildURI returns the openid4vp:// URI passing the request by reference.
func BuildURI(clientID, requestURI string) string {
	v := url.Values{}
	v.Set("client_id", clientID)
	v.Set("request_uri", requestURI)
	return Scheme + "://?" + v.Encode()
}

// ParseURI reads an openid4vp:// request URI (by reference): its client_id
// and request_uri (an https URL, or http on loopback).
func ParseURI(s string) (clientID, requestURI string, err error) {
	if len(s) > MaxRequestURILen {
		return "", "", Errorf(CodeRequestURIInvalid, "%d bytes (max %d)", len(s), MaxRequestURILen)
	}
	u, perr := url.Parse(strings.TrimSpace(s))
	if perr != nil {
		return "", "", Errorf(CodeRequestURIInvalid, "%v", perr)
	}
	if u.Scheme != Scheme {
		return "", "", Errorf(CodeRequestURIInvalid, "scheme %q (want %s://)", u.Scheme, Scheme)
	}
	q, perr := url.ParseQuery(u.RawQuery)
	if perr != nil {
		return "", "", Errorf(CodeRequestURIInvalid, "query: %v", perr)
	}
	for k, v := range q {
		if len(v) != 1 {
			return "", "", Errorf(CodeRequestURIInvalid, "parameter %q given %d times", k, len(v))
		}
	}
	if q.Has("request") {
		return "", "", Errorf(CodeRequestURIInvalid, "a request by value is not supported (use request_uri)")
	}
	if m := q.Get("request_uri_method"); m != "" && m != "get" {
		return "", "", Errorf(CodeRequestURIInvalid, "request_uri_method %q (only get)", m)
	}
	clientID, requestURI = q.Get("client_id"), q.Get("request_uri")
	if clientID == "" || requestURI == "" {
		return "", "", Errorf(CodeRequestURIInvalid, "client_id and request_uri are required")
	}
	if !strings.HasPrefix(clientID, ClientIDPrefixDID+"did:") {
		return "", "", Errorf(CodeClientIDPrefix, "client_id %q: only %s<did> is supported", clientID, ClientIDPrefixDID)
	}
	if err := CheckHTTPURL(requestURI); err != nil {
		return "", "", Errorf(CodeRequestURIInvalid, "request_uri: %v", err)
	}
	return clientID, requestURI, nil
}
