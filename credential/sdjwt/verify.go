package sdjwt

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/jsonstrict"
	"github.com/amanah-id/amanah/keys"
)

// Defaults for Options fields left zero.
const (
	DefaultMaxSize        = 16 << 10
	DefaultMaxDisclosures = 64
	DefaultMaxDepth       = 32
	DefaultSkew           = 30 * time.Second
	DefaultKBMaxAge       = 5 * time.Minute
)

// TypKB is the required typ of a key-binding JWT.
const TypKB = "kb+jwt"

// Options configure Verify. The zero value is strict: key binding required,
// default limits, EdDSA/ES256/ES256K only, no typ check.
type Options struct {
	// MaxSize bounds the presentation length in bytes, checked before parsing.
	MaxSize int
	// MaxDisclosures bounds the number of disclosures ('~' segments).
	MaxDisclosures int
	// MaxDepth bounds JSON nesting in payloads and disclosures.
	MaxDepth int
	// IssuerAlgorithms is the issuer JWT alg allow-list (default EdDSA, ES256, ES256K).
	IssuerAlgorithms []string
	// HolderAlgorithms is the KB-JWT alg allow-list (default EdDSA, ES256, ES256K).
	HolderAlgorithms []string
	// Types lists accepted issuer JWT typ values; empty accepts any typ.
	Types []string
	// KeyBindingOptional accepts presentations without a KB-JWT. A KB-JWT that
	// is present is always verified.
	KeyBindingOptional bool
	// Nonce and Audience are the values the KB-JWT must carry; both are
	// required when key binding is required.
	Nonce, Audience string
	// KBMaxAge is how old a KB-JWT iat may be (default 5 min); negative disables the check.
	KBMaxAge time.Duration
	// Skew is the allowed clock skew for exp, nbf and iat (default 30 s).
	Skew time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.MaxSize <= 0 {
		c.MaxSize = DefaultMaxSize
	}
	if c.MaxDisclosures <= 0 {
		c.MaxDisclosures = DefaultMaxDisclosures
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = DefaultMaxDepth
	}
	if c.IssuerAlgorithms == nil {
		c.IssuerAlgorithms = jws.DefaultAlgorithms
	}
	if c.HolderAlgorithms == nil {
		c.HolderAlgorithms = jws.DefaultAlgorithms
	}
	if c.KBMaxAge == 0 {
		c.KBMaxAge = DefaultKBMaxAge
	}
	if c.Skew == 0 {
		c.Skew = DefaultSkew
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// IssuerKeyFunc returns the key that must have signed the issuer JWT, given
// its parsed (unverified) header and payload. It must never take the key from
// the token itself. Errors that are not *VerifyError become issuer_key_unavailable.
type IssuerKeyFunc func(ctx context.Context, tok *jws.Token, payload map[string]any) (keys.PublicKey, error)

// Result is a verified presentation.
type Result struct {
	// Header is the issuer JWT's protected header.
	Header map[string]any
	// Claims is the processed payload: plain claims plus the disclosed ones,
	// with _sd, _sd_alg and undisclosed digests removed.
	Claims map[string]any
	// IssuerKey is the key that verified the issuer JWT.
	IssuerKey keys.PublicKey
	// HolderKey is the cnf.jwk key; zero when the payload has no cnf.
	HolderKey keys.PublicKey
	// KeyBound reports that a KB-JWT was present and verified.
	KeyBound bool
	// Disclosures is the number of disclosures presented.
	Disclosures int
}

// Verify checks an SD-JWT presentation ("<jwt>~<d1>~...~<dn>~[<kb-jwt>]")
// following RFC 9901 section 7, and returns the processed claims. Every
// failure is a *VerifyError.
func Verify(ctx context.Context, presentation string, issuerKey IssuerKeyFunc, opts *Options) (*Result, error) {
	o := opts.withDefaults()
	if len(presentation) > o.MaxSize {
		return nil, Fail(ReasonTooLarge, "presentation is %d bytes, limit %d", len(presentation), o.MaxSize)
	}
	if !o.KeyBindingOptional && (o.Nonce == "" || o.Audience == "") {
		return nil, errors.New("sdjwt: key binding required but no nonce or audience configured")
	}
	// segments: issuer JWT, n disclosures, KB-JWT (possibly empty) => n+1 '~'.
	tildes := strings.Count(presentation, "~")
	if tildes == 0 {
		return nil, Fail(ReasonMalformed, "no '~' separator")
	}
	if tildes-1 > o.MaxDisclosures {
		return nil, Fail(ReasonTooManyDisclosures, "%d disclosures, limit %d", tildes-1, o.MaxDisclosures)
	}
	last := strings.LastIndexByte(presentation, '~')
	kbJWT := presentation[last+1:]
	if kbJWT == "" && !o.KeyBindingOptional { // fail fast, before any signature work
		return nil, Fail(ReasonKBMissing, "presentation has no KB-JWT")
	}
	// Check the KB-JWT's claims (cheap) before any signature, so that a
	// replayed or misaddressed presentation costs no signature verification.
	// Its signature is verified once the holder key is known.
	var kbTok *jws.Token
	now := o.Now()
	if kbJWT != "" {
		var err error
		if kbTok, err = checkKBClaims(kbJWT, presentation[:last+1], now, &o); err != nil {
			return nil, err
		}
	}
	first := strings.IndexByte(presentation, '~')
	issuerJWT := presentation[:first]

	tok, err := jws.Parse(issuerJWT, o.IssuerAlgorithms)
	if err != nil {
		return nil, classify(err, ReasonMalformed)
	}
	if len(o.Types) > 0 && !containsStr(o.Types, tok.Typ) {
		return nil, Fail(ReasonTypInvalid, "issuer JWT typ %q", tok.Typ)
	}
	payload, err := decodeObject(tok.Payload, o.MaxDepth)
	if err != nil {
		return nil, err
	}
	key, err := issuerKey(ctx, tok, payload)
	if err != nil {
		return nil, classify(err, ReasonIssuerKeyUnavailable)
	}
	if err := tok.Verify(key); err != nil {
		return nil, classify(err, ReasonSignatureInvalid)
	}
	if alg, ok := payload[KeySDAlg]; ok && alg != SDAlg {
		return nil, Fail(ReasonSDAlgUnsupported, "_sd_alg %v", alg)
	}
	if err := checkTimes(payload, now, o.Skew); err != nil {
		return nil, err
	}

	// Disclosures.
	var discs []Disclosure
	if n := tildes - 1; n > 0 {
		discs = make([]Disclosure, 0, n)
		rest := presentation[first+1 : last]
		for range n {
			var seg string
			seg, rest, _ = strings.Cut(rest, "~")
			if seg == "" {
				return nil, Fail(ReasonMalformed, "empty disclosure segment")
			}
			d, err := ParseDisclosure(seg, o.MaxDepth)
			if err != nil {
				return nil, err
			}
			discs = append(discs, d)
		}
	}
	p := processor{discs: discs, used: make([]bool, len(discs)), seenList: make([]string, 0, 16)}
	if len(discs) > smallDisclosures {
		p.byDigest = make(map[string]int, len(discs))
	}
	for i := range discs {
		if j, dup := p.lookup(discs[i].Digest); dup && j < i {
			return nil, Fail(ReasonDisclosureDuplicate, "disclosure %d repeated", i)
		}
		if p.byDigest != nil {
			p.byDigest[discs[i].Digest] = i
		}
	}
	claims, err := p.object(payload, true)
	if err != nil {
		return nil, err
	}
	for i, u := range p.used {
		if !u {
			return nil, Fail(ReasonDisclosureUnreferenced, "disclosure %d (%q) is not referenced", i, discs[i].Name)
		}
	}
	res := &Result{Header: tok.Header, Claims: claims, IssuerKey: key, Disclosures: len(discs)}

	// Holder key and key binding.
	if cnf, ok := payload["cnf"]; ok {
		if res.HolderKey, err = holderKey(cnf); err != nil {
			return nil, err
		}
	}
	if kbJWT == "" {
		return res, nil // key binding optional (checked above)
	}
	if res.HolderKey.IsZero() {
		return nil, Fail(ReasonKBInvalid, "KB-JWT present but the credential has no cnf key")
	}
	if err := kbTok.Verify(res.HolderKey); err != nil {
		return nil, &VerifyError{Reason: ReasonKBSignatureInvalid, Err: err}
	}
	res.KeyBound = true
	return res, nil
}

func decodeObject(b []byte, depth int) (map[string]any, error) {
	v, err := jsonstrict.Decode(b, jsonstrict.Limits{MaxDepth: depth})
	if err != nil {
		return nil, classify(err, ReasonMalformed)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, Fail(ReasonMalformed, "JWT payload is not a JSON object")
	}
	return m, nil
}

// NumericDate reads a JWT NumericDate claim; ok is false when absent.
func NumericDate(m map[string]any, name string) (t time.Time, ok bool, err error) {
	v, present := m[name]
	if !present {
		return time.Time{}, false, nil
	}
	n, isNum := v.(json.Number)
	if !isNum {
		return time.Time{}, true, Fail(ReasonClaimInvalid, "%s is not a number", name)
	}
	if i, err := n.Int64(); err == nil {
		return time.Unix(i, 0), true, nil
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || f > 1e15 || f < -1e15 {
		return time.Time{}, true, Fail(ReasonClaimInvalid, "%s is not a valid NumericDate", name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, nil
}

func checkTimes(p map[string]any, now time.Time, skew time.Duration) error {
	exp, ok, err := NumericDate(p, "exp")
	if err != nil {
		return err
	}
	if ok && !now.Add(-skew).Before(exp) {
		return Fail(ReasonExpired, "expired at %s", exp.UTC().Format(time.RFC3339))
	}
	nbf, ok, err := NumericDate(p, "nbf")
	if err != nil {
		return err
	}
	if ok && now.Add(skew).Before(nbf) {
		return Fail(ReasonNotYetValid, "not valid before %s", nbf.UTC().Format(time.RFC3339))
	}
	iat, ok, err := NumericDate(p, "iat")
	if err != nil {
		return err
	}
	if ok && now.Add(skew).Before(iat) {
		return Fail(ReasonNotYetValid, "issued in the future (%s)", iat.UTC().Format(time.RFC3339))
	}
	return nil
}

// smallDisclosures is the count up to which digests are looked up by linear scan.
const smallDisclosures = 8

// processor replaces digests by disclosed values (RFC 9901 s7.1 steps 3-5).
type processor struct {
	discs    []Disclosure
	byDigest map[string]int // nil for few disclosures
	used     []bool
	seenList []string            // every digest met in the payload or in disclosed values...
	seen     map[string]struct{} // ...moved to a map once there are many
}

// seenListMax is the number of digests checked by linear scan before a map is used.
const seenListMax = 32

// lookup returns the index of the disclosure with digest dg.
func (p *processor) lookup(dg string) (int, bool) {
	if p.byDigest != nil {
		i, ok := p.byDigest[dg]
		return i, ok
	}
	for i := range p.discs {
		if p.discs[i].Digest == dg {
			return i, true
		}
	}
	return -1, false
}

func (p *processor) markDigest(dg string) error {
	if p.seen == nil {
		for _, s := range p.seenList {
			if s == dg {
				return Fail(ReasonDigestCollision, "digest %s appears more than once", dg)
			}
		}
		if len(p.seenList) < seenListMax {
			p.seenList = append(p.seenList, dg)
			return nil
		}
		p.seen = make(map[string]struct{}, 2*seenListMax)
		for _, s := range p.seenList {
			p.seen[s] = struct{}{}
		}
	}
	if _, dup := p.seen[dg]; dup {
		return Fail(ReasonDigestCollision, "digest %s appears more than once", dg)
	}
	p.seen[dg] = struct{}{}
	return nil
}

func (p *processor) value(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		return p.object(t, false)
	case []any:
		return p.array(t)
	default:
		return v, nil
	}
}

func (p *processor) object(m map[string]any, top bool) (map[string]any, error) {
	out := make(map[string]any, len(m)+4)
	var sd []any
	for k, v := range m {
		switch k {
		case KeySD:
			arr, ok := v.([]any)
			if !ok {
				return nil, Fail(ReasonMalformed, "_sd is not an array")
			}
			sd = arr
			continue
		case KeyArray:
			return nil, Fail(ReasonMalformed, `"..." outside an array element`)
		case KeySDAlg:
			if top {
				continue
			}
		}
		pv, err := p.value(v)
		if err != nil {
			return nil, err
		}
		out[k] = pv
	}
	for _, e := range sd {
		dg, ok := e.(string)
		if !ok {
			return nil, Fail(ReasonMalformed, "_sd entry is not a string")
		}
		if err := p.markDigest(dg); err != nil {
			return nil, err
		}
		i, found := p.lookup(dg)
		if !found {
			continue // decoy or undisclosed
		}
		d := &p.discs[i]
		if d.ArrayElement {
			return nil, Fail(ReasonDisclosureInvalid, "array-element disclosure referenced from _sd")
		}
		if _, clash := out[d.Name]; clash {
			return nil, Fail(ReasonDigestCollision, "disclosed claim %q already exists", d.Name)
		}
		p.used[i] = true
		pv, err := p.value(d.Value)
		if err != nil {
			return nil, err
		}
		out[d.Name] = pv
	}
	return out, nil
}

func (p *processor) array(a []any) ([]any, error) {
	out := make([]any, 0, len(a))
	for _, e := range a {
		if m, ok := e.(map[string]any); ok {
			if ref, isRef := m[KeyArray]; isRef {
				if len(m) != 1 {
					return nil, Fail(ReasonMalformed, `array element with "..." has other members`)
				}
				dg, ok := ref.(string)
				if !ok {
					return nil, Fail(ReasonMalformed, `"..." is not a string`)
				}
				if err := p.markDigest(dg); err != nil {
					return nil, err
				}
				i, found := p.lookup(dg)
				if !found {
					continue // undisclosed element or decoy: removed
				}
				d := &p.discs[i]
				if !d.ArrayElement {
					return nil, Fail(ReasonDisclosureInvalid, "object-property disclosure referenced from an array")
				}
				p.used[i] = true
				pv, err := p.value(d.Value)
				if err != nil {
					return nil, err
				}
				out = append(out, pv)
				continue
			}
		}
		pv, err := p.value(e)
		if err != nil {
			return nil, err
		}
		out = append(out, pv)
	}
	return out, nil
}

// holderKey parses cnf.jwk.
func holderKey(cnf any) (keys.PublicKey, error) {
	m, ok := cnf.(map[string]any)
	if !ok {
		return keys.PublicKey{}, Fail(ReasonCnfInvalid, "cnf is not an object")
	}
	jwk, ok := m["jwk"].(map[string]any)
	if !ok {
		return keys.PublicKey{}, Fail(ReasonCnfInvalid, "cnf has no jwk object")
	}
	k, err := publicKeyFromJWK(jwk)
	if err != nil {
		return keys.PublicKey{}, &VerifyError{Reason: ReasonCnfInvalid, Err: err}
	}
	return k, nil
}

// checkKBClaims parses the KB-JWT and checks everything but its signature.
func checkKBClaims(kbJWT, sdPart string, now time.Time, o *Options) (*jws.Token, error) {
	tok, err := jws.Parse(kbJWT, o.HolderAlgorithms)
	if err != nil {
		ve := classify(err, ReasonKBInvalid)
		if ve.Reason != ReasonAlgNotAllowed && ve.Reason != ReasonDuplicateJSONKey && ve.Reason != ReasonJSONTooDeep {
			ve.Reason = ReasonKBInvalid
		}
		return nil, ve
	}
	if tok.Typ != TypKB {
		return nil, Fail(ReasonKBInvalid, "KB-JWT typ %q", tok.Typ)
	}
	claims, err := decodeObject(tok.Payload, o.MaxDepth)
	if err != nil {
		if ve := ReasonOf(err); ve == ReasonMalformed {
			return nil, &VerifyError{Reason: ReasonKBInvalid, Err: err}
		}
		return nil, err
	}
	iat, ok, err := NumericDate(claims, "iat")
	if err != nil || !ok {
		return nil, Fail(ReasonKBInvalid, "KB-JWT iat missing or invalid")
	}
	if now.Add(o.Skew).Before(iat) {
		return nil, Fail(ReasonKBStale, "KB-JWT issued in the future (%s)", iat.UTC().Format(time.RFC3339))
	}
	if o.KBMaxAge > 0 && now.Sub(iat) > o.KBMaxAge+o.Skew {
		return nil, Fail(ReasonKBStale, "KB-JWT issued at %s, older than %s", iat.UTC().Format(time.RFC3339), o.KBMaxAge)
	}
	nonce, ok := claims["nonce"].(string)
	if !ok {
		return nil, Fail(ReasonKBInvalid, "KB-JWT nonce missing")
	}
	if o.Nonce != "" && nonce != o.Nonce {
		return nil, Fail(ReasonNonceMismatch, "KB-JWT nonce does not match")
	}
	aud, ok := claims["aud"].(string)
	if !ok {
		return nil, Fail(ReasonKBInvalid, "KB-JWT aud missing or not a string")
	}
	if o.Audience != "" && aud != o.Audience {
		return nil, Fail(ReasonAudMismatch, "KB-JWT aud %q", aud)
	}
	sdHash, ok := claims["sd_hash"].(string)
	if !ok {
		return nil, Fail(ReasonKBInvalid, "KB-JWT sd_hash missing")
	}
	if sdHash != SDHash(sdPart) {
		return nil, Fail(ReasonSDHashMismatch, "KB-JWT sd_hash does not match the presented SD-JWT")
	}
	return tok, nil
}

// SDHash returns base64url(SHA-256(s)), where s is the presentation up to and including the last '~'.
func SDHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return b64.EncodeToString(sum[:])
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// publicKeyFromJWK converts a decoded public JWK object to a key. The common
// shape (only kty, crv, x and, for EC, y) is decoded directly; any other
// member sends the JWK through keys.ParsePublicJWK for its full checks
// (private members, alg/use/key_ops consistency).
func publicKeyFromJWK(jwk map[string]any) (keys.PublicKey, error) {
	kty, _ := jwk["kty"].(string)
	crv, _ := jwk["crv"].(string)
	x, _ := jwk["x"].(string)
	var c keys.Curve
	members := 3
	switch {
	case kty == "OKP" && crv == string(keys.Ed25519):
		c = keys.Ed25519
	case kty == "EC" && (crv == string(keys.P256) || crv == string(keys.Secp256k1)):
		c = keys.Curve(crv)
		members = 4
	}
	if c == "" || len(jwk) != members || x == "" {
		return parseJWKSlow(jwk)
	}
	var raw [65]byte
	n := 0
	if c != keys.Ed25519 {
		y, _ := jwk["y"].(string)
		if len(x) != 43 || len(y) != 43 {
			return parseJWKSlow(jwk)
		}
		raw[0] = 0x04
		if _, err := b64.Decode(raw[1:33], []byte(x)); err != nil {
			return keys.PublicKey{}, fmt.Errorf("cnf.jwk x: %w", err)
		}
		if _, err := b64.Decode(raw[33:65], []byte(y)); err != nil {
			return keys.PublicKey{}, fmt.Errorf("cnf.jwk y: %w", err)
		}
		n = 65
	} else {
		if len(x) != 43 {
			return parseJWKSlow(jwk)
		}
		if _, err := b64.Decode(raw[:32], []byte(x)); err != nil {
			return keys.PublicKey{}, fmt.Errorf("cnf.jwk x: %w", err)
		}
		n = 32
	}
	return keys.PublicKeyFromBytes(c, raw[:n])
}

func parseJWKSlow(jwk map[string]any) (keys.PublicKey, error) {
	b, err := json.Marshal(jwk)
	if err != nil {
		return keys.PublicKey{}, fmt.Errorf("encode cnf.jwk: %w", err)
	}
	return keys.ParsePublicJWK(b)
}
