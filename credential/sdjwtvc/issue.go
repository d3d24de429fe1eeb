package sdjwtvc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/jsonstrict"
	"github.com/amanah-id/amanah/keys"
)

// Header typ values: TypDC is issued; both are accepted.
const (
	TypDC = "dc+sd-jwt"
	TypVC = "vc+sd-jwt"
)

// DefaultAgeThresholds are the age_over_N predicates computed when a credential has a birthdate.
var DefaultAgeThresholds = []int{18, 21}

// DefaultMaxDecoys bounds the random number of decoy digests per _sd array.
const DefaultMaxDecoys = 3

// visibleClaims are the registered claims always sent in plain text.
var visibleClaims = []string{"iss", "vct", "vct#integrity", "iat", "nbf", "exp", "cnf", "status"}

// StatusRef points at an entry of an IETF Token Status List: status.status_list{idx, uri}.
type StatusRef struct {
	// Index is the entry index (idx).
	Index uint64
	// URI identifies the status list (uri).
	URI string
}

// Issuer issues SD-JWT VCs as one DID with one assertionMethod key.
type Issuer struct {
	// DID is the issuer DID, written as iss.
	DID string
	// KeyID is the DID URL of the assertionMethod key, written as kid.
	KeyID string
	// Signer signs with that key (keys.PrivateKey through jws.KeySigner, or a KMS).
	Signer jws.Signer
	// AgeThresholds selects the age_over_N predicates (DefaultAgeThresholds if nil).
	AgeThresholds []int
	// MaxDecoys bounds decoy digests per _sd array (DefaultMaxDecoys if 0; negative disables).
	MaxDecoys int
	// Rand is the randomness for salts and decoys (crypto/rand if nil).
	Rand io.Reader
	// Now is the issuance clock (time.Now if nil).
	Now func() time.Time
}

// Credential is the content of one SD-JWT VC.
type Credential struct {
	// VCT is the credential type URI (vct), registered in x/trust.
	VCT string
	// Claims are the personal claims; all are made selectively disclosable,
	// recursively through nested objects and array elements. A "birthdate"
	// claim ("YYYY-MM-DD") adds age_over_N predicate claims.
	Claims map[string]any
	// Holder is the holder's public key, written as cnf.jwk.
	Holder keys.PublicKey
	// Status, when set, is written as status.status_list.
	Status *StatusRef
	// NotBefore and Expires set nbf and exp when not zero.
	NotBefore, Expires time.Time
	// VCTIntegrity, when set, is written as vct#integrity (the SRI hash of the type metadata).
	VCTIntegrity string
}

// Issue returns the credential in SD-JWT issuance form ("<jwt>~<d>~...~").
func (is *Issuer) Issue(ctx context.Context, c Credential) (string, error) {
	if is.Signer == nil || is.DID == "" || is.KeyID == "" {
		return "", errors.New("sdjwtvc: issuer needs DID, KeyID and Signer")
	}
	if c.VCT == "" {
		return "", errors.New("sdjwtvc: credential has no vct")
	}
	if c.Holder.IsZero() {
		return "", errors.New("sdjwtvc: credential has no holder key")
	}
	now := time.Now
	if is.Now != nil {
		now = is.Now
	}
	iat := now()
	claims := make(map[string]any, len(c.Claims)+8)
	for k, v := range c.Claims {
		if isVisible(k) {
			return "", fmt.Errorf("sdjwtvc: %q is a registered claim, not a personal one", k)
		}
		claims[k] = normalize(v)
	}
	if bd, ok := c.Claims["birthdate"]; ok {
		s, ok := bd.(string)
		if !ok {
			return "", errors.New("sdjwtvc: birthdate is not a string")
		}
		thresholds := is.AgeThresholds
		if thresholds == nil {
			thresholds = DefaultAgeThresholds
		}
		preds, err := AgePredicates(s, iat, thresholds)
		if err != nil {
			return "", err
		}
		for k, v := range preds {
			if _, clash := claims[k]; !clash {
				claims[k] = v
			}
		}
	}
	jwk, err := c.Holder.JWK()
	if err != nil {
		return "", fmt.Errorf("sdjwtvc: holder JWK: %w", err)
	}
	jwkObj, err := jsonstrict.DecodeObject(jwk, jsonstrict.Limits{})
	if err != nil {
		return "", fmt.Errorf("sdjwtvc: holder JWK: %w", err)
	}
	claims["iss"] = is.DID
	claims["vct"] = c.VCT
	if c.VCTIntegrity != "" {
		claims["vct#integrity"] = c.VCTIntegrity
	}
	claims["iat"] = iat.Unix()
	claims["cnf"] = map[string]any{"jwk": jwkObj}
	if !c.NotBefore.IsZero() {
		claims["nbf"] = c.NotBefore.Unix()
	}
	if !c.Expires.IsZero() {
		claims["exp"] = c.Expires.Unix()
	}
	if c.Status != nil {
		claims["status"] = map[string]any{"status_list": map[string]any{"idx": c.Status.Index, "uri": c.Status.URI}}
	}
	decoys := is.MaxDecoys
	if decoys == 0 {
		decoys = DefaultMaxDecoys
	}
	payload, ds, err := sdjwt.Conceal(claims, sdjwt.ConcealOptions{Visible: visibleClaims, MaxDecoys: max(decoys, 0), Rand: is.Rand})
	if err != nil {
		return "", err
	}
	hdr := map[string]any{"typ": TypDC, "kid": is.KeyID}
	return sdjwt.Issue(ctx, is.Signer, hdr, payload, ds)
}

func isVisible(k string) bool {
	for _, v := range visibleClaims {
		if v == k {
			return true
		}
	}
	return false
}

// normalize converts typed Go slices and maps ([]string, map[string]string)
// to []any/map[string]any so that nested members become disclosable too.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = normalize(e)
		}
		return out
	case []string:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = e
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = e
		}
		return out
	default:
		return v
	}
}

// AgePredicates returns {"age_over_N": bool} for each threshold, computed from
// birthdate ("YYYY-MM-DD") on the UTC calendar date of at. Someone born on
// 29 February comes of age on 1 March in non-leap years.
func AgePredicates(birthdate string, at time.Time, thresholds []int) (map[string]bool, error) {
	b, err := time.Parse(time.DateOnly, birthdate)
	if err != nil {
		return nil, fmt.Errorf("sdjwtvc: birthdate: %w", err)
	}
	at = at.UTC()
	age := at.Year() - b.Year()
	if at.Month() < b.Month() || at.Month() == b.Month() && at.Day() < b.Day() {
		age--
	}
	out := make(map[string]bool, len(thresholds))
	for _, n := range thresholds {
		out["age_over_"+strconv.Itoa(n)] = age >= n
	}
	return out, nil
}
