package jws

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/amanah-id/amanah/jsonstrict"
)

// Algorithm names accepted by this package.
const (
	EdDSA  = "EdDSA"
	ES256  = "ES256"
	ES256K = "ES256K"
)

// DefaultAlgorithms is the allow-list used when a caller gives none.
var DefaultAlgorithms = []string{EdDSA, ES256, ES256K}

// headerDepth bounds nesting in a protected header; real headers are flat.
const headerDepth = 4

var (
	// ErrMalformed reports a token that is not a well-formed compact JWS.
	ErrMalformed = errors.New("jws: malformed token")
	// ErrAlgNotAllowed reports an alg outside the allow-list (or none/HMAC).
	ErrAlgNotAllowed = errors.New("jws: algorithm not allowed")
	// ErrKeyInHeader reports a jwk, jku, x5u or x5c header member.
	ErrKeyInHeader = errors.New("jws: key material in header")
	// ErrUnsupportedHeader reports crit, b64 or zip header members.
	ErrUnsupportedHeader = errors.New("jws: unsupported header parameter")
	// ErrKeyMismatch reports a verification key whose algorithm differs from the header's alg.
	ErrKeyMismatch = errors.New("jws: key does not match alg")
	// ErrSignature reports a signature that does not verify.
	ErrSignature = errors.New("jws: signature invalid")
)

// b64 is the unpadded base64url alphabet, rejecting non-zero trailing bits.
var b64 = base64.RawURLEncoding.Strict()

// PublicKey verifies JOSE-form signatures (R||S for ECDSA) of one algorithm.
// keys.PublicKey satisfies it.
type PublicKey interface {
	Algorithm() string
	Verify(msg, sig []byte) error
}

// Signer produces JOSE-form signatures; an implementation may keep its key in a KMS or HSM.
type Signer interface {
	Algorithm() string
	Sign(ctx context.Context, signingInput []byte) ([]byte, error)
}

// Token is a parsed, not yet verified, compact JWS.
type Token struct {
	// Header is the decoded protected header.
	Header map[string]any
	// Alg, Typ and Kid are the header's alg, typ and kid ("" when absent).
	Alg, Typ, Kid string
	// Payload is the base64url-decoded payload.
	Payload []byte
	// Signature is the decoded signature.
	Signature []byte
	// SigningInput is the ASCII "header.payload" the signature covers.
	SigningInput string
}

// Parse splits and decodes a compact JWS, checks its header and the alg
// against allowed (DefaultAlgorithms if nil). It does not verify the signature.
func Parse(compact string, allowed []string) (*Token, error) {
	return parse(compact, allowed, false)
}

// ParseKeyProof is Parse for a proof of possession (an OpenID4VCI key proof): the header may
// carry the key it proves, as "jwk" (jku, x5u and x5c stay refused). The caller verifies the
// signature with that key and decides whether the key is acceptable.
func ParseKeyProof(compact string, allowed []string) (*Token, error) {
	return parse(compact, allowed, true)
}

func parse(compact string, allowed []string, jwkAllowed bool) (*Token, error) {
	if allowed == nil {
		allowed = DefaultAlgorithms
	}
	h, rest, ok := strings.Cut(compact, ".")
	if !ok {
		return nil, fmt.Errorf("%w: want three segments", ErrMalformed)
	}
	p, s, ok := strings.Cut(rest, ".")
	if !ok || strings.IndexByte(s, '.') >= 0 {
		return nil, fmt.Errorf("%w: want three segments", ErrMalformed)
	}
	if h == "" {
		return nil, fmt.Errorf("%w: empty header", ErrMalformed)
	}
	// One buffer holds the decoded header, payload and signature.
	buf := make([]byte, b64.DecodedLen(len(h))+b64.DecodedLen(len(p))+b64.DecodedLen(len(s)))
	hdrBytes, rest2, err := decodeInto(buf, h)
	if err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrMalformed, err)
	}
	v, err := jsonstrict.Decode(hdrBytes, jsonstrict.Limits{MaxDepth: headerDepth})
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	hdr, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: header is not an object", ErrMalformed)
	}
	t := &Token{Header: hdr, SigningInput: compact[:len(h)+1+len(p)]}
	if err := t.checkHeader(allowed, jwkAllowed); err != nil {
		return nil, err
	}
	if t.Payload, rest2, err = decodeInto(rest2, p); err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
	}
	if t.Signature, _, err = decodeInto(rest2, s); err != nil {
		return nil, fmt.Errorf("%w: signature: %w", ErrMalformed, err)
	}
	if len(t.Signature) != 64 || s == "" { // Ed25519, P-256 and secp256k1 JOSE signatures are all 64 bytes
		return nil, fmt.Errorf("%w: signature length %d", ErrSignature, len(t.Signature))
	}
	return t, nil
}

// decodeInto decodes seg into the front of buf and returns the decoded bytes
// (capacity-limited so appends cannot spill) and the unused rest of buf.
func decodeInto(buf []byte, seg string) (out, rest []byte, err error) {
	n, err := b64.Decode(buf, []byte(seg))
	if err != nil {
		return nil, nil, err
	}
	return buf[:n:n], buf[n:], nil
}

func (t *Token) checkHeader(allowed []string, jwkAllowed bool) error {
	alg, ok := t.Header["alg"].(string)
	if !ok {
		return fmt.Errorf("%w: alg missing or not a string", ErrMalformed)
	}
	if !isAsymmetric(alg) || !contains(allowed, alg) {
		return fmt.Errorf("%w: %q", ErrAlgNotAllowed, alg)
	}
	t.Alg = alg
	for _, name := range [...]string{"jwk", "jku", "x5u", "x5c"} {
		if _, ok := t.Header[name]; ok && !(jwkAllowed && name == "jwk") {
			return fmt.Errorf("%w: %q", ErrKeyInHeader, name)
		}
	}
	for _, name := range [...]string{"crit", "b64", "zip", "enc"} {
		if _, ok := t.Header[name]; ok {
			return fmt.Errorf("%w: %q", ErrUnsupportedHeader, name)
		}
	}
	if v, ok := t.Header["typ"]; ok {
		if t.Typ, ok = v.(string); !ok {
			return fmt.Errorf("%w: typ is not a string", ErrMalformed)
		}
	}
	if v, ok := t.Header["kid"]; ok {
		if t.Kid, ok = v.(string); !ok {
			return fmt.Errorf("%w: kid is not a string", ErrMalformed)
		}
	}
	return nil
}

// isAsymmetric reports whether alg is one this package can ever accept,
// so that "none" or HS256 fail even when a caller lists them.
func isAsymmetric(alg string) bool {
	return alg == EdDSA || alg == ES256 || alg == ES256K
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Verify checks the signature with key, whose algorithm must equal the header's alg.
func (t *Token) Verify(key PublicKey) error {
	if key == nil {
		return fmt.Errorf("%w: no key", ErrSignature)
	}
	if key.Algorithm() != t.Alg {
		return fmt.Errorf("%w: header %s, key %s", ErrKeyMismatch, t.Alg, key.Algorithm())
	}
	if err := key.Verify([]byte(t.SigningInput), t.Signature); err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	return nil
}

// Sign returns the compact JWS of payload with header members hdr (alg is set
// from the signer and must not be given).
func Sign(ctx context.Context, s Signer, hdr map[string]any, payload []byte) (string, error) {
	alg := s.Algorithm()
	if !isAsymmetric(alg) {
		return "", fmt.Errorf("%w: %q", ErrAlgNotAllowed, alg)
	}
	full := make(map[string]any, len(hdr)+1)
	for k, v := range hdr {
		full[k] = v
	}
	full["alg"] = alg
	hb, err := json.Marshal(full)
	if err != nil {
		return "", fmt.Errorf("jws: encode header: %w", err)
	}
	var sb strings.Builder
	sb.Grow(b64.EncodedLen(len(hb)) + b64.EncodedLen(len(payload)) + 90)
	sb.WriteString(b64.EncodeToString(hb))
	sb.WriteByte('.')
	sb.WriteString(b64.EncodeToString(payload))
	sig, err := s.Sign(ctx, []byte(sb.String()))
	if err != nil {
		return "", fmt.Errorf("jws: sign: %w", err)
	}
	sb.WriteByte('.')
	sb.WriteString(b64.EncodeToString(sig))
	return sb.String(), nil
}
