package sdjwt

import (
	"errors"
	"fmt"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/strictjson"
)

// Reason is a stable, machine-readable code for why verification failed.
// The values are an API (the gRPC verifier returns them); never rename one.
type Reason string

// Reason codes; README.md in credential/ documents each.
const (
	ReasonMalformed              Reason = "malformed"
	ReasonTooLarge               Reason = "too_large"
	ReasonTooManyDisclosures     Reason = "too_many_disclosures"
	ReasonDuplicateJSONKey       Reason = "duplicate_json_key"
	ReasonJSONTooDeep            Reason = "json_too_deep"
	ReasonAlgNotAllowed          Reason = "alg_not_allowed"
	ReasonAlgKeyMismatch         Reason = "alg_key_mismatch"
	ReasonTypInvalid             Reason = "typ_invalid"
	ReasonIssuerKeyInHeader      Reason = "issuer_key_in_header"
	ReasonHeaderUnsupported      Reason = "header_unsupported"
	ReasonIssuerInvalid          Reason = "issuer_invalid"
	ReasonKidMismatch            Reason = "kid_mismatch"
	ReasonUnknownKid             Reason = "unknown_kid"
	ReasonKidNotAssertionMethod  Reason = "kid_not_assertion_method"
	ReasonIssuerKeyUnavailable   Reason = "issuer_key_unavailable"
	ReasonSignatureInvalid       Reason = "signature_invalid"
	ReasonSDAlgUnsupported       Reason = "sd_alg_unsupported"
	ReasonDisclosureInvalid      Reason = "disclosure_invalid"
	ReasonDisclosureDuplicate    Reason = "disclosure_duplicate"
	ReasonDisclosureUnreferenced Reason = "disclosure_unreferenced"
	ReasonDigestCollision        Reason = "digest_collision"
	ReasonClaimInvalid           Reason = "claim_invalid"
	ReasonExpired                Reason = "expired"
	ReasonNotYetValid            Reason = "not_yet_valid"
	ReasonCnfInvalid             Reason = "cnf_invalid"
	ReasonKBMissing              Reason = "kb_missing"
	ReasonKBInvalid              Reason = "kb_invalid"
	ReasonKBSignatureInvalid     Reason = "kb_signature_invalid"
	ReasonNonceMismatch          Reason = "nonce_mismatch"
	ReasonAudMismatch            Reason = "aud_mismatch"
	ReasonSDHashMismatch         Reason = "sd_hash_mismatch"
	ReasonKBStale                Reason = "kb_stale"
)

// VerifyError is the error returned by verification; use errors.As to read its Reason.
type VerifyError struct {
	Reason Reason
	Err    error
}

// Error returns "reason: detail".
func (e *VerifyError) Error() string {
	if e.Err == nil {
		return string(e.Reason)
	}
	return string(e.Reason) + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *VerifyError) Unwrap() error { return e.Err }

// Fail returns a *VerifyError with reason r and a formatted detail.
func Fail(r Reason, format string, args ...any) *VerifyError {
	return &VerifyError{Reason: r, Err: fmt.Errorf(format, args...)}
}

// ReasonOf returns the Reason carried by err, or "" if err carries none.
func ReasonOf(err error) Reason {
	var ve *VerifyError
	if errors.As(err, &ve) {
		return ve.Reason
	}
	return ""
}

// classify maps a strictjson or jws error to a Reason, using fallback for
// errors these packages do not know.
func classify(err error, fallback Reason) *VerifyError {
	var ve *VerifyError
	if errors.As(err, &ve) {
		return ve
	}
	r := fallback
	switch {
	case errors.Is(err, strictjson.ErrDuplicateKey):
		r = ReasonDuplicateJSONKey
	case errors.Is(err, strictjson.ErrTooDeep):
		r = ReasonJSONTooDeep
	case errors.Is(err, strictjson.ErrSyntax), errors.Is(err, strictjson.ErrInvalidUTF8),
		errors.Is(err, strictjson.ErrNotObject), errors.Is(err, jws.ErrMalformed):
		r = ReasonMalformed
	case errors.Is(err, jws.ErrAlgNotAllowed):
		r = ReasonAlgNotAllowed
	case errors.Is(err, jws.ErrKeyInHeader):
		r = ReasonIssuerKeyInHeader
	case errors.Is(err, jws.ErrUnsupportedHeader):
		r = ReasonHeaderUnsupported
	case errors.Is(err, jws.ErrKeyMismatch):
		r = ReasonAlgKeyMismatch
	case errors.Is(err, jws.ErrSignature):
		r = ReasonSignatureInvalid
	}
	return &VerifyError{Reason: r, Err: err}
}
