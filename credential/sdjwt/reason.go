package sdjwt

import (
	"errors"
	"fmt"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/jsonstrict"
)

// Reason is a stable, machine-readable code for why verification failed.
// The values are an API (the gRPC verifier returns them); never rename one.
type Reason string

// Reason codes; README.md in credential/ documents each.
const (
	// ReasonMalformed: not an SD-JWT: no ~, empty segment, wrong JWS segment count, bad base64url, JSON syntax, _sd/... of the wrong type.
	ReasonMalformed Reason = "malformed"
	// ReasonTooLarge: presentation longer than MaxSize.
	ReasonTooLarge Reason = "too_large"
	// ReasonTooManyDisclosures: more disclosures than MaxDisclosures.
	ReasonTooManyDisclosures Reason = "too_many_disclosures"
	// ReasonDuplicateJSONKey: a JSON object (header, payload, disclosure, KB-JWT) repeats a member name.
	ReasonDuplicateJSONKey Reason = "duplicate_json_key"
	// ReasonJSONTooDeep: JSON nesting deeper than MaxDepth.
	ReasonJSONTooDeep Reason = "json_too_deep"
	// ReasonAlgNotAllowed: JWS alg outside the allow-list (incl. none, HMAC).
	ReasonAlgNotAllowed Reason = "alg_not_allowed"
	// ReasonAlgKeyMismatch: header alg differs from the resolved key's algorithm.
	ReasonAlgKeyMismatch Reason = "alg_key_mismatch"
	// ReasonTypInvalid: issuer JWT typ missing or not accepted.
	ReasonTypInvalid Reason = "typ_invalid"
	// ReasonIssuerKeyInHeader: JWS header carries jwk, jku, x5u or x5c.
	ReasonIssuerKeyInHeader Reason = "issuer_key_in_header"
	// ReasonHeaderUnsupported: JWS header uses crit, b64, zip or enc.
	ReasonHeaderUnsupported Reason = "header_unsupported"
	// ReasonIssuerInvalid: iss missing or not a string.
	ReasonIssuerInvalid Reason = "issuer_invalid"
	// ReasonKidMismatch: kid missing or not a DID URL of the iss DID.
	ReasonKidMismatch Reason = "kid_mismatch"
	// ReasonUnknownKid: resolver: DID or key unknown.
	ReasonUnknownKid Reason = "unknown_kid"
	// ReasonKidNotAssertionMethod: resolver: key exists but was not an assertionMethod at iat.
	ReasonKidNotAssertionMethod Reason = "kid_not_assertion_method"
	// ReasonKeyWithdrawn: resolver: the key was withdrawn from the issuer DID after iat
	// without being recorded as retired in good standing (treated as compromised).
	ReasonKeyWithdrawn Reason = "issuer_key_withdrawn"
	// ReasonIssuerKeyUnavailable: resolver failed otherwise (e.g. ledger unreachable): fail closed.
	ReasonIssuerKeyUnavailable Reason = "issuer_key_unavailable"
	// ReasonSignatureInvalid: issuer JWT signature does not verify.
	ReasonSignatureInvalid Reason = "signature_invalid"
	// ReasonSDAlgUnsupported: _sd_alg other than sha-256.
	ReasonSDAlgUnsupported Reason = "sd_alg_unsupported"
	// ReasonDisclosureInvalid: disclosure not base64url/JSON array of 2 or 3, name not a string, reserved name, or of the wrong kind for where it is referenced.
	ReasonDisclosureInvalid Reason = "disclosure_invalid"
	// ReasonDisclosureDuplicate: the same disclosure presented twice.
	ReasonDisclosureDuplicate Reason = "disclosure_duplicate"
	// ReasonDisclosureUnreferenced: a disclosure whose digest is in no _sd/... (tampered or foreign).
	ReasonDisclosureUnreferenced Reason = "disclosure_unreferenced"
	// ReasonDigestCollision: a digest occurs twice, or a disclosed name collides with an existing claim.
	ReasonDigestCollision Reason = "digest_collision"
	// ReasonClaimInvalid: vct missing, a NumericDate that is not a number, malformed status.
	ReasonClaimInvalid Reason = "claim_invalid"
	// ReasonExpired: exp passed (beyond skew).
	ReasonExpired Reason = "expired"
	// ReasonNotYetValid: nbf or iat in the future (beyond skew).
	ReasonNotYetValid Reason = "not_yet_valid"
	// ReasonCnfInvalid: cnf is not {"jwk": <valid public JWK>}.
	ReasonCnfInvalid Reason = "cnf_invalid"
	// ReasonKBMissing: key binding required but no KB-JWT.
	ReasonKBMissing Reason = "kb_missing"
	// ReasonKBInvalid: KB-JWT malformed, wrong typ, missing iat/nonce/aud/sd_hash, or no cnf to check it.
	ReasonKBInvalid Reason = "kb_invalid"
	// ReasonKBSignatureInvalid: KB-JWT not signed by cnf.jwk.
	ReasonKBSignatureInvalid Reason = "kb_signature_invalid"
	// ReasonNonceMismatch: KB-JWT nonce differs from the challenge.
	ReasonNonceMismatch Reason = "nonce_mismatch"
	// ReasonAudMismatch: KB-JWT aud differs from the relying party.
	ReasonAudMismatch Reason = "aud_mismatch"
	// ReasonSDHashMismatch: KB-JWT sd_hash does not cover the presented SD-JWT.
	ReasonSDHashMismatch Reason = "sd_hash_mismatch"
	// ReasonKBStale: KB-JWT iat older than KBMaxAge or in the future.
	ReasonKBStale Reason = "kb_stale"
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

// classify maps a jsonstrict or jws error to a Reason, using fallback for
// errors these packages do not know.
func classify(err error, fallback Reason) *VerifyError {
	var ve *VerifyError
	if errors.As(err, &ve) {
		return ve
	}
	r := fallback
	switch {
	case errors.Is(err, jsonstrict.ErrDuplicateMember):
		r = ReasonDuplicateJSONKey
	case errors.Is(err, jsonstrict.ErrTooDeep):
		r = ReasonJSONTooDeep
	case errors.Is(err, jsonstrict.ErrSyntax), errors.Is(err, jsonstrict.ErrInvalidUTF8), // trailing data, lone surrogates
		errors.Is(err, jsonstrict.ErrNotObject), errors.Is(err, jws.ErrMalformed):
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
