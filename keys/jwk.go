package keys

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/amanah-id/amanah/jsonstrict"
)

// maxJWKBytes bounds JWK input; real public/private JWKs are far smaller.
const maxJWKBytes = 4096

var b64 = base64.RawURLEncoding.Strict()

// jwkPrivateMembers are JWK members that carry private or symmetric key material (RFC 7518).
var jwkPrivateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// jwkOptionalMembers are public metadata members accepted (and checked) but not reproduced.
var jwkOptionalMembers = map[string]bool{"kid": true, "alg": true, "use": true, "key_ops": true}

// jwkMembers builds the JWK JSON with members in lexicographic order (the RFC 7638 order).
func jwkMembers(m map[string]string) []byte {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			buf.WriteByte(',')
		}
		nb, _ := json.Marshal(n)
		vb, _ := json.Marshal(m[n])
		buf.Write(nb)
		buf.WriteByte(':')
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes()
}

func (k PublicKey) jwkMap() (map[string]string, error) {
	switch k.Curve() {
	case Ed25519:
		return map[string]string{"kty": "OKP", "crv": string(Ed25519), "x": b64.EncodeToString(k.raw[:Ed25519PublicKeySize])}, nil
	case P256, Secp256k1:
		x, y := k.ecPoint()
		return map[string]string{"kty": "EC", "crv": string(k.Curve()), "x": b64.EncodeToString(x), "y": b64.EncodeToString(y)}, nil
	}
	return nil, fmt.Errorf("%w: JWK of zero or unknown key", ErrInvalidKey)
}

// JWK returns the public JWK JSON with only the required members, in lexicographic order.
func (k PublicKey) JWK() ([]byte, error) {
	m, err := k.jwkMap()
	if err != nil {
		return nil, err
	}
	return jwkMembers(m), nil
}

// Thumbprint returns the RFC 7638 JWK thumbprint (SHA-256, base64url).
func (k PublicKey) Thumbprint() (string, error) {
	j, err := k.JWK() // required members only, lexicographic, no whitespace: RFC 7638 input
	if err != nil {
		return "", err
	}
	return b64.EncodeToString(sha256Sum(j)), nil
}

// JWK returns the private JWK JSON (including "d"), in lexicographic member order.
func (k PrivateKey) JWK() ([]byte, error) {
	m, err := k.pub.jwkMap()
	if err != nil {
		return nil, err
	}
	m["d"] = b64.EncodeToString(k.privateScalar())
	return jwkMembers(m), nil
}

// ParsePublicJWK parses a public JWK strictly; kid, alg, use and key_ops are checked and ignored.
func ParsePublicJWK(b []byte) (PublicKey, error) {
	m, err := parseJWKObject(b)
	if err != nil {
		return PublicKey{}, err
	}
	for _, n := range jwkPrivateMembers {
		if _, ok := m[n]; ok {
			return PublicKey{}, fmt.Errorf("%w: %w: member %q", ErrInvalidJWK, ErrPrivateMaterial, n)
		}
	}
	return publicFromJWKMembers(m, false)
}

// ParsePrivateJWK parses a private JWK strictly and checks that "d" matches the public members.
func ParsePrivateJWK(b []byte) (PrivateKey, error) {
	m, err := parseJWKObject(b)
	if err != nil {
		return PrivateKey{}, err
	}
	for _, n := range jwkPrivateMembers {
		if _, ok := m[n]; ok && n != "d" {
			return PrivateKey{}, fmt.Errorf("%w: unexpected member %q", ErrInvalidJWK, n)
		}
	}
	pub, err := publicFromJWKMembers(m, true)
	if err != nil {
		return PrivateKey{}, err
	}
	d, err := jwkBytes(m, "d", scalarSize)
	if err != nil {
		return PrivateKey{}, err
	}
	priv, err := PrivateKeyFromBytes(pub.Curve(), d)
	if err != nil {
		return PrivateKey{}, fmt.Errorf("%w: member \"d\": %w", ErrInvalidJWK, err)
	}
	if !priv.pub.Equal(pub) {
		return PrivateKey{}, fmt.Errorf("%w: \"d\" does not match the public key", ErrInvalidJWK)
	}
	return priv, nil
}

// parseJWKObject reads a JWK's members strictly (jsonstrict: no duplicate names, valid
// UTF-8, no lone surrogate escapes, no trailing data, at most maxJWKBytes).
func parseJWKObject(b []byte) (map[string]json.RawMessage, error) {
	members, err := jsonstrict.Members(b, jsonstrict.Limits{MaxBytes: maxJWKBytes})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidJWK, err)
	}
	m := make(map[string]json.RawMessage, len(members))
	for _, mb := range members {
		m[mb.Name] = mb.Value
	}
	return m, nil
}

// publicFromJWKMembers checks the members and builds the key; "d" is allowed only when private.
func publicFromJWKMembers(m map[string]json.RawMessage, private bool) (PublicKey, error) {
	kty, err := jwkString(m, "kty")
	if err != nil {
		return PublicKey{}, err
	}
	if kty != "OKP" && kty != "EC" {
		return PublicKey{}, fmt.Errorf("%w: %w: kty %q", ErrInvalidJWK, ErrUnsupportedCurve, kty)
	}
	crv, err := jwkString(m, "crv")
	if err != nil {
		return PublicKey{}, err
	}
	allowed := map[string]bool{"kty": true, "crv": true, "x": true}
	if private {
		allowed["d"] = true
	}
	var c Curve
	switch {
	case kty == "OKP" && crv == string(Ed25519):
		c = Ed25519
	case kty == "EC" && (crv == string(P256) || crv == string(Secp256k1)):
		c = Curve(crv)
		allowed["y"] = true
	default:
		return PublicKey{}, fmt.Errorf("%w: %w: kty %q crv %q", ErrInvalidJWK, ErrUnsupportedCurve, kty, crv)
	}
	for n := range m {
		if !allowed[n] && !jwkOptionalMembers[n] {
			return PublicKey{}, fmt.Errorf("%w: unexpected member %q for %s", ErrInvalidJWK, n, c)
		}
	}
	if err := checkJWKMetadata(m, c, private); err != nil {
		return PublicKey{}, err
	}
	x, err := jwkBytes(m, "x", scalarSize)
	if err != nil {
		return PublicKey{}, err
	}
	raw := x
	if c != Ed25519 {
		y, err := jwkBytes(m, "y", scalarSize)
		if err != nil {
			return PublicKey{}, err
		}
		raw = append(append([]byte{0x04}, x...), y...)
	}
	k, err := PublicKeyFromBytes(c, raw)
	if err != nil {
		return PublicKey{}, fmt.Errorf("%w: %w", ErrInvalidJWK, err)
	}
	return k, nil
}

// checkJWKMetadata validates the optional kid/alg/use/key_ops members.
func checkJWKMetadata(m map[string]json.RawMessage, c Curve, private bool) error {
	if _, ok := m["kid"]; ok {
		if _, err := jwkString(m, "kid"); err != nil {
			return err
		}
	}
	if _, ok := m["alg"]; ok {
		alg, err := jwkString(m, "alg")
		if err != nil {
			return err
		}
		if alg != c.Algorithm() && !(c == Ed25519 && alg == "Ed25519") {
			return fmt.Errorf("%w: alg %q does not match curve %s", ErrInvalidJWK, alg, c)
		}
	}
	if _, ok := m["use"]; ok {
		use, err := jwkString(m, "use")
		if err != nil {
			return err
		}
		if use != "sig" {
			return fmt.Errorf("%w: use %q, want \"sig\"", ErrInvalidJWK, use)
		}
	}
	if raw, ok := m["key_ops"]; ok {
		ops, err := jsonStrings(raw)
		if err != nil {
			return fmt.Errorf("%w: key_ops is not an array of strings", ErrInvalidJWK)
		}
		for _, op := range ops {
			if op != "verify" && !(private && op == "sign") {
				return fmt.Errorf("%w: key_ops %q not allowed", ErrInvalidJWK, op)
			}
		}
	}
	return nil
}

func jwkString(m map[string]json.RawMessage, name string) (string, error) {
	raw, ok := m[name]
	if !ok {
		return "", fmt.Errorf("%w: missing member %q", ErrInvalidJWK, name)
	}
	s, err := jsonstrict.String(raw, jsonstrict.Limits{})
	if err != nil {
		return "", fmt.Errorf("%w: member %q: %w", ErrInvalidJWK, name, err)
	}
	return s, nil
}

// jsonStrings reads a JSON array of strings.
func jsonStrings(raw []byte) ([]string, error) {
	elems, err := jsonstrict.Elements(raw, jsonstrict.Limits{})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		if out[i], err = jsonstrict.String(e, jsonstrict.Limits{}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func jwkBytes(m map[string]json.RawMessage, name string, size int) ([]byte, error) {
	s, err := jwkString(m, name)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(s, "=+/") {
		return nil, fmt.Errorf("%w: member %q is not unpadded base64url", ErrInvalidJWK, name)
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: member %q: %w", ErrInvalidJWK, name, err)
	}
	if len(b) != size {
		return nil, fmt.Errorf("%w: member %q is %d bytes, want %d", ErrInvalidJWK, name, len(b), size)
	}
	return b, nil
}

// DIDJWK returns the did:jwk DID of k ("did:jwk:" + base64url of its public JWK).
func DIDJWK(k PublicKey) (string, error) {
	j, err := k.JWK()
	if err != nil {
		return "", err
	}
	return didJWKPrefix + b64.EncodeToString(j), nil
}

const didJWKPrefix = "did:jwk:"

// maxDIDJWKLen bounds did:jwk input (base64url of a JWK of at most maxJWKBytes).
const maxDIDJWKLen = len(didJWKPrefix) + (maxJWKBytes*4+2)/3 + 2

// ParseDIDJWK decodes a did:jwk DID, or its DID URL with fragment "#0", to a public key.
func ParseDIDJWK(did string) (PublicKey, error) {
	if len(did) > maxDIDJWKLen {
		return PublicKey{}, fmt.Errorf("%w: %d bytes is too long", ErrInvalidDIDJWK, len(did))
	}
	rest, ok := strings.CutPrefix(did, didJWKPrefix)
	if !ok {
		return PublicKey{}, fmt.Errorf("%w: missing %q prefix", ErrInvalidDIDJWK, didJWKPrefix)
	}
	if id, frag, found := strings.Cut(rest, "#"); found {
		if frag != "0" {
			return PublicKey{}, fmt.Errorf("%w: fragment %q, want \"0\"", ErrInvalidDIDJWK, frag)
		}
		rest = id
	}
	if rest == "" || strings.ContainsAny(rest, "=+/?:%") {
		return PublicKey{}, fmt.Errorf("%w: method-specific id is not unpadded base64url", ErrInvalidDIDJWK)
	}
	j, err := b64.DecodeString(rest)
	if err != nil {
		return PublicKey{}, fmt.Errorf("%w: %w", ErrInvalidDIDJWK, err)
	}
	k, err := ParsePublicJWK(j)
	if err != nil {
		return PublicKey{}, fmt.Errorf("%w: %w", ErrInvalidDIDJWK, err)
	}
	return k, nil
}

// Equal reports whether k and o are the same private key.
func (k PrivateKey) Equal(o PrivateKey) bool {
	if !k.pub.Equal(o.pub) {
		return false
	}
	return subtle.ConstantTimeCompare(k.privateScalar(), o.privateScalar()) == 1
}
