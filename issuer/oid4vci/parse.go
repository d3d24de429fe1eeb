package oid4vci

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/jsonstrict"
	"github.com/amanah-id/amanah/keys"
)

// TokenRequest is a parsed token request of the pre-authorized code grant.
type TokenRequest struct {
	PreAuthorizedCode string
	TxCode            string
	HasTxCode         bool
}

// ParseTokenRequest reads a token request body (application/x-www-form-urlencoded). Every
// parameter appears at most once (RFC 6749 3.2); only the pre-authorized code grant is served.
func ParseTokenRequest(contentType string, body []byte) (*TokenRequest, error) {
	if len(body) > MaxTokenRequestBytes {
		return nil, Errorf(ErrInvalidRequest, "token request larger than %d bytes", MaxTokenRequestBytes)
	}
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, Errorf(ErrInvalidRequest, "content type %q: want application/x-www-form-urlencoded", contentType)
	}
	q, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, Errorf(ErrInvalidRequest, "form body: %v", err)
	}
	for k, v := range q {
		if len(v) > 1 {
			return nil, Errorf(ErrInvalidRequest, "parameter %q given %d times", k, len(v))
		}
	}
	switch gt := q.Get("grant_type"); gt {
	case GrantPreAuthorizedCode:
	case "":
		return nil, Errorf(ErrInvalidRequest, "grant_type is missing")
	default:
		return nil, Errorf(ErrUnsupportedGrantType, "grant_type %q: only %s is supported (the authorization code flow is not yet)", gt, GrantPreAuthorizedCode)
	}
	r := &TokenRequest{PreAuthorizedCode: q.Get("pre-authorized_code")}
	if r.PreAuthorizedCode == "" {
		return nil, Errorf(ErrInvalidRequest, "pre-authorized_code is missing")
	}
	if len(r.PreAuthorizedCode) > 256 {
		return nil, Errorf(ErrInvalidGrant, "pre-authorized_code is not one this issuer made")
	}
	if v, ok := q["tx_code"]; ok {
		r.TxCode, r.HasTxCode = v[0], true
		if len(r.TxCode) > 64 {
			return nil, Errorf(ErrInvalidRequest, "tx_code longer than 64 characters")
		}
	}
	return r, nil
}

// CredentialRequest is a parsed credential request.
type CredentialRequest struct {
	// CredentialConfigurationID names the configuration (from the offer).
	CredentialConfigurationID string
	// ProofJWTs are the key proofs, one per credential of the batch.
	ProofJWTs []string
}

// ParseCredentialRequest reads a credential request body (application/json): exactly one of
// credential_configuration_id and credential_identifier (the latter is not served: no
// authorization details), and proofs {"jwt": [...]} with 1..maxProofs proofs.
func ParseCredentialRequest(contentType string, body []byte, maxProofs int) (*CredentialRequest, error) {
	if len(body) > MaxCredentialRequestBytes {
		return nil, Errorf(ErrInvalidCredentialRequest, "credential request larger than %d bytes", MaxCredentialRequestBytes)
	}
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/json" {
		return nil, Errorf(ErrInvalidCredentialRequest, "content type %q: want application/json", contentType)
	}
	m, err := decodeObject(body, MaxCredentialRequestBytes)
	if err != nil {
		return nil, Errorf(ErrInvalidCredentialRequest, "body: %v", err)
	}
	r := &CredentialRequest{}
	_, hasID := m["credential_identifier"]
	cfg, hasCfg := m["credential_configuration_id"]
	switch {
	case hasID && hasCfg:
		return nil, Errorf(ErrInvalidCredentialRequest, "credential_identifier and credential_configuration_id are exclusive")
	case hasID:
		return nil, Errorf(ErrUnknownCredentialIdentifier, "credential_identifier is not served (no authorization_details); use credential_configuration_id")
	case !hasCfg:
		return nil, Errorf(ErrInvalidCredentialRequest, "credential_configuration_id is missing")
	}
	s, ok := cfg.(string)
	if !ok || s == "" {
		return nil, Errorf(ErrInvalidCredentialRequest, "credential_configuration_id must be a non-empty string")
	}
	r.CredentialConfigurationID = s
	if _, ok := m["proof"]; ok {
		return nil, Errorf(ErrInvalidCredentialRequest, "proof (singular) is not part of OpenID4VCI 1.0: send proofs {\"jwt\": [...]}")
	}
	if _, ok := m["credential_response_encryption"]; ok {
		return nil, Errorf(ErrInvalidCredentialRequest, "credential_response_encryption is not supported")
	}
	pv, ok := m["proofs"]
	if !ok {
		return nil, Errorf(ErrInvalidProof, "proofs is missing: every credential is bound to a holder key")
	}
	po, ok := pv.(map[string]any)
	if !ok || len(po) != 1 {
		return nil, Errorf(ErrInvalidCredentialRequest, "proofs must be an object with exactly one proof type")
	}
	arr, ok := po["jwt"].([]any)
	if !ok {
		return nil, Errorf(ErrInvalidProof, "proofs: only the jwt proof type is supported, as an array")
	}
	if len(arr) == 0 {
		return nil, Errorf(ErrInvalidProof, "proofs.jwt is empty")
	}
	if len(arr) > maxProofs {
		return nil, Errorf(ErrInvalidCredentialRequest, "%d proofs: at most %d credentials may be requested", len(arr), maxProofs)
	}
	for i, p := range arr {
		ps, ok := p.(string)
		if !ok || ps == "" {
			return nil, Errorf(ErrInvalidProof, "proofs.jwt[%d] is not a JWT string", i)
		}
		if len(ps) > MaxProofJWTBytes {
			return nil, Errorf(ErrInvalidProof, "proofs.jwt[%d] longer than %d bytes", i, MaxProofJWTBytes)
		}
		r.ProofJWTs = append(r.ProofJWTs, ps)
	}
	return r, nil
}

// ProofCheck is what a key proof must match.
type ProofCheck struct {
	// Audience is the credential issuer identifier (aud).
	Audience string
	// Now and Skew bound iat.
	Now  time.Time
	Skew time.Duration
	// Algorithms are the accepted alg values (jws.DefaultAlgorithms if nil).
	Algorithms []string
}

// Proof is a verified key proof.
type Proof struct {
	// Key is the holder key (the header's jwk).
	Key keys.PublicKey
	// Nonce is the c_nonce the proof carries (the caller checks and consumes it).
	Nonce string
}

// VerifyProofJWT checks a jwt key proof: typ openid4vci-proof+jwt, an asymmetric alg, the
// holder key in the jwk header (kid and x5c are not served), a signature by that key, aud the
// issuer, iat within the skew, and a nonce.
func VerifyProofJWT(compact string, pc ProofCheck) (*Proof, error) {
	tok, err := jws.ParseKeyProof(compact, pc.Algorithms)
	if err != nil {
		return nil, Errorf(ErrInvalidProof, "proof JWT: %v", err)
	}
	if tok.Typ != ProofTypJWT {
		return nil, Errorf(ErrInvalidProof, "proof typ %q: want %s", tok.Typ, ProofTypJWT)
	}
	if _, ok := tok.Header["x5c"]; ok {
		return nil, Errorf(ErrInvalidProof, "proof with x5c: only a jwk header is supported")
	}
	if tok.Kid != "" {
		return nil, Errorf(ErrInvalidProof, "proof with kid: only a jwk header is supported")
	}
	jwk, ok := tok.Header["jwk"].(map[string]any)
	if !ok {
		return nil, Errorf(ErrInvalidProof, "proof has no jwk header")
	}
	jb, err := json.Marshal(jwk)
	if err != nil {
		return nil, Errorf(ErrInvalidProof, "proof jwk: %v", err)
	}
	key, err := keys.ParsePublicJWK(jb)
	if err != nil {
		return nil, Errorf(ErrInvalidProof, "proof jwk: %v", err)
	}
	if key.Algorithm() != tok.Alg {
		return nil, Errorf(ErrInvalidProof, "proof alg %s does not match its %s key", tok.Alg, key.Curve())
	}
	if err := tok.Verify(key); err != nil {
		return nil, Errorf(ErrInvalidProof, "proof signature: %v", err)
	}
	claims, err := decodeObject(tok.Payload, MaxProofJWTBytes)
	if err != nil {
		return nil, Errorf(ErrInvalidProof, "proof claims: %v", err)
	}
	if !audienceMatches(claims["aud"], pc.Audience) {
		return nil, Errorf(ErrInvalidProof, "proof aud %v: want %s", claims["aud"], pc.Audience)
	}
	iat, ok := claims["iat"].(json.Number)
	if !ok {
		return nil, Errorf(ErrInvalidProof, "proof has no numeric iat")
	}
	sec, err := iat.Int64()
	if err != nil {
		return nil, Errorf(ErrInvalidProof, "proof iat %s is not an integer", iat)
	}
	skew := pc.Skew
	if skew == 0 {
		skew = 5 * time.Minute
	}
	if t := time.Unix(sec, 0); t.After(pc.Now.Add(skew)) || t.Before(pc.Now.Add(-skew)) {
		return nil, Errorf(ErrInvalidProof, "proof iat %s is not within %s of now", t.UTC().Format(time.RFC3339), skew)
	}
	nonce, _ := claims["nonce"].(string)
	if nonce == "" {
		return nil, Errorf(ErrInvalidNonce, "proof has no nonce: get a c_nonce from the nonce endpoint")
	}
	return &Proof{Key: key, Nonce: nonce}, nil
}

func audienceMatches(v any, want string) bool {
	switch a := v.(type) {
	case string:
		return a == want
	case []any:
		for _, e := range a {
			if s, ok := e.(string); ok && s == want {
				return true
			}
		}
	}
	return false
}

// decodeObject decodes a JSON object strictly (duplicate members, depth and size bounded),
// numbers as json.Number.
func decodeObject(b []byte, maxBytes int) (map[string]any, error) {
	if len(b) > maxBytes {
		return nil, fmt.Errorf("larger than %d bytes", maxBytes)
	}
	m, err := jsonstrict.DecodeObject(b, jsonstrict.Limits{MaxDepth: 8})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// ProofClaims are the claims a wallet signs in a key proof.
type ProofClaims struct {
	Aud   string `json:"aud"`
	Iat   int64  `json:"iat"`
	Nonce string `json:"nonce"`
	Iss   string `json:"iss,omitempty"`
}

// SignProof returns a jwt key proof for key's public key (wallet side).
func SignProof(ctx context.Context, key keys.PrivateKey, c ProofClaims) (string, error) {
	jwk, err := key.Public().JWK()
	if err != nil {
		return "", err
	}
	var jm map[string]any
	if err := json.Unmarshal(jwk, &jm); err != nil {
		return "", err
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	return jws.Sign(ctx, jws.NewKeySigner(key), map[string]any{"typ": ProofTypJWT, "jwk": jm}, payload)
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, p string) bool { return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) }

// BearerToken extracts the access token of an Authorization: Bearer header.
func BearerToken(header string) (string, error) {
	if header == "" {
		return "", Errorf(ErrInvalidToken, "no Authorization: Bearer access token")
	}
	if !hasPrefixFold(header, "Bearer ") {
		return "", Errorf(ErrInvalidToken, "Authorization scheme is not Bearer (DPoP is not supported)")
	}
	t := strings.TrimSpace(header[len("Bearer "):])
	if t == "" || len(t) > 256 {
		return "", Errorf(ErrInvalidToken, "malformed access token")
	}
	return t, nil
}
