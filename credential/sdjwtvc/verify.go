package sdjwtvc

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/keys"
)

// Errors an IssuerKeyResolver wraps so that Verify reports the matching reason.
var (
	// ErrUnknownKey: the DID or the key id does not exist (reason unknown_kid).
	ErrUnknownKey = errors.New("sdjwtvc: unknown issuer key")
	// ErrNotAssertionMethod: the key exists but was not an assertionMethod of
	// the issuer DID at the given time (reason kid_not_assertion_method).
	ErrNotAssertionMethod = errors.New("sdjwtvc: key is not an assertionMethod of the issuer")
	// ErrKeyWithdrawn: the key was an assertionMethod at the given time but
	// was withdrawn since without being retired in good standing before it
	// (reason issuer_key_withdrawn).
	ErrKeyWithdrawn = errors.New("sdjwtvc: issuer key withdrawn since")
)

// IssuerKeyResolver returns the issuer's public key named by kid (a DID URL
// of iss) as it was at time at (the credential's iat), only if it was then an
// assertionMethod key of iss. It must wrap ErrUnknownKey,
// ErrNotAssertionMethod or ErrKeyWithdrawn for those cases; any other error is reported as
// issuer_key_unavailable (fail closed, e.g. ledger unreachable).
type IssuerKeyResolver interface {
	ResolveIssuerKey(ctx context.Context, iss, kid string, at time.Time) (keys.PublicKey, error)
}

// IssuerKeyResolverFunc adapts a function to IssuerKeyResolver.
type IssuerKeyResolverFunc func(ctx context.Context, iss, kid string, at time.Time) (keys.PublicKey, error)

// ResolveIssuerKey calls f.
func (f IssuerKeyResolverFunc) ResolveIssuerKey(ctx context.Context, iss, kid string, at time.Time) (keys.PublicKey, error) {
	return f(ctx, iss, kid, at)
}

// Verifier verifies SD-JWT VC presentations. It is safe for concurrent use.
// Accreditation of the issuer for the vct (x/trust) and the status entry
// (x/status) are left to the caller, which reads Issuer, VCT, IssuedAt and
// Status from the Result: those checks need ledger state and policy (maximum
// status age, which trust anchors) that belong to the verifier service.
type Verifier struct {
	// Resolver supplies issuer keys; required.
	Resolver IssuerKeyResolver
	// Options are the limits, allow-lists and clock; Nonce and Audience are
	// taken from each Verify call, and Types defaults to dc+sd-jwt, vc+sd-jwt.
	Options sdjwt.Options
}

// Challenge is what the KB-JWT must be bound to.
type Challenge struct {
	// Nonce is the verifier's single-use challenge.
	Nonce string
	// Audience is the relying party's identifier.
	Audience string
}

// Result is a verified SD-JWT VC presentation.
type Result struct {
	// Issuer is iss, the issuer DID.
	Issuer string
	// KeyID is the issuer JWT kid.
	KeyID string
	// VCT is the credential type.
	VCT string
	// IssuedAt, NotBefore and ExpiresAt are iat, nbf and exp (zero when absent).
	IssuedAt, NotBefore, ExpiresAt time.Time
	// Status is status.status_list, or nil.
	Status *StatusRef
	// HolderKey is the cnf.jwk key that signed the KB-JWT.
	HolderKey keys.PublicKey
	// KeyBound reports a verified KB-JWT.
	KeyBound bool
	// Claims are the processed claims: registered plain claims plus the
	// disclosed ones; undisclosed claims never appear.
	Claims map[string]any
}

var defaultTypes = []string{TypDC, TypVC}

// Verify checks presentation against the challenge. Failures are *sdjwt.VerifyError.
func (v *Verifier) Verify(ctx context.Context, presentation string, ch Challenge) (*Result, error) {
	o := v.Options
	o.Nonce, o.Audience = ch.Nonce, ch.Audience
	return v.verify(ctx, presentation, &o)
}

// VerifyIssued checks an SD-JWT VC in issuance form ("<jwt>~<d>~...~"), as a
// wallet does on receipt: issuer signature, times and every disclosure, with
// no key binding. A relying party must use Verify instead.
func (v *Verifier) VerifyIssued(ctx context.Context, sdJWT string) (*Result, error) {
	o := v.Options
	o.KeyBindingOptional = true
	o.Nonce, o.Audience = "", ""
	if strings.LastIndexByte(sdJWT, '~') != len(sdJWT)-1 {
		return nil, sdjwt.Fail(sdjwt.ReasonMalformed, "issuance form must end with '~'")
	}
	return v.verify(ctx, sdJWT, &o)
}

func (v *Verifier) verify(ctx context.Context, presentation string, op *sdjwt.Options) (*Result, error) {
	o := *op
	if o.Types == nil {
		o.Types = defaultTypes
	}
	var kid, iss string
	var iat time.Time
	res, err := sdjwt.Verify(ctx, presentation, func(ctx context.Context, tok *jws.Token, p map[string]any) (keys.PublicKey, error) {
		var err error
		if iss, kid, iat, err = v.keyRef(tok, p, o.Now); err != nil {
			return keys.PublicKey{}, err
		}
		k, err := v.Resolver.ResolveIssuerKey(ctx, iss, kid, iat)
		switch {
		case err == nil:
			return k, nil
		case errors.Is(err, ErrUnknownKey):
			return keys.PublicKey{}, &sdjwt.VerifyError{Reason: sdjwt.ReasonUnknownKid, Err: err}
		case errors.Is(err, ErrNotAssertionMethod):
			return keys.PublicKey{}, &sdjwt.VerifyError{Reason: sdjwt.ReasonKidNotAssertionMethod, Err: err}
		case errors.Is(err, ErrKeyWithdrawn):
			return keys.PublicKey{}, &sdjwt.VerifyError{Reason: sdjwt.ReasonKeyWithdrawn, Err: err}
		}
		return keys.PublicKey{}, err
	}, &o)
	if err != nil {
		return nil, err
	}
	out := &Result{Issuer: iss, KeyID: kid, HolderKey: res.HolderKey, KeyBound: res.KeyBound, Claims: res.Claims}
	out.VCT, _ = res.Claims["vct"].(string)
	if _, ok := res.Claims["iat"]; ok {
		out.IssuedAt = iat
	}
	out.NotBefore, _, _ = sdjwt.NumericDate(res.Claims, "nbf")
	out.ExpiresAt, _, _ = sdjwt.NumericDate(res.Claims, "exp")
	if out.Status, err = statusRef(res.Claims); err != nil {
		return nil, err
	}
	return out, nil
}

// keyRef checks iss, vct, kid and iat before any key is looked up.
func (v *Verifier) keyRef(tok *jws.Token, p map[string]any, now func() time.Time) (iss, kid string, at time.Time, err error) {
	iss, ok := p["iss"].(string)
	if !ok || iss == "" {
		return "", "", at, sdjwt.Fail(sdjwt.ReasonIssuerInvalid, "iss missing or not a string")
	}
	if vct, ok := p["vct"].(string); !ok || vct == "" {
		return "", "", at, sdjwt.Fail(sdjwt.ReasonClaimInvalid, "vct missing or not a string")
	}
	kid = tok.Kid
	if strings.HasPrefix(iss, "did:") {
		did, frag, ok := strings.Cut(kid, "#")
		if !ok || did != iss || frag == "" {
			return "", "", at, sdjwt.Fail(sdjwt.ReasonKidMismatch, "kid %q is not a key of issuer %s", kid, iss)
		}
	}
	t, ok, err := sdjwt.NumericDate(p, "iat")
	if err != nil {
		return "", "", at, err
	}
	if !ok {
		if now == nil {
			now = time.Now
		}
		t = now()
	}
	return iss, kid, t, nil
}

// statusRef reads status.status_list{idx, uri}.
func statusRef(c map[string]any) (*StatusRef, error) {
	st, ok := c["status"]
	if !ok {
		return nil, nil
	}
	m, ok := st.(map[string]any)
	if !ok {
		return nil, sdjwt.Fail(sdjwt.ReasonClaimInvalid, "status is not an object")
	}
	sl, ok := m["status_list"]
	if !ok {
		return nil, nil // another status mechanism: the caller decides
	}
	slm, ok := sl.(map[string]any)
	if !ok {
		return nil, sdjwt.Fail(sdjwt.ReasonClaimInvalid, "status_list is not an object")
	}
	idx, ok := slm["idx"].(json.Number)
	uri, ok2 := slm["uri"].(string)
	if !ok || !ok2 || uri == "" {
		return nil, sdjwt.Fail(sdjwt.ReasonClaimInvalid, "status_list needs integer idx and string uri")
	}
	i, err := idx.Int64()
	if err != nil || i < 0 {
		return nil, sdjwt.Fail(sdjwt.ReasonClaimInvalid, "status_list idx %s", idx)
	}
	return &StatusRef{Index: uint64(i), URI: uri}, nil
}
