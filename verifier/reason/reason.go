// Package reason holds the verifier service's stable reason codes and the
// check each belongs to. The codes are an API: banks branch on them; never
// rename or reuse one. docs/verifier-integration.md documents each.
package reason

import "github.com/amanah-id/amanah/credential/sdjwt"

// Code is a stable, machine-readable reason.
type Code string

// Check names one of the checks a verification is made of.
type Check string

// Checks reported in VerifyPresentationResponse.checks, in the order they run.
const (
	CheckRequest       Check = "request"
	CheckChallenge     Check = "challenge"
	CheckSignature     Check = "signature"
	CheckIssuerKey     Check = "issuer_key"
	CheckKeyBinding    Check = "key_binding"
	CheckExpiry        Check = "expiry"
	CheckSchema        Check = "schema"
	CheckAccreditation Check = "accreditation"
	CheckStatus        Check = "status"
	CheckPolicy        Check = "policy"
)

// Codes the verifier service adds to those of credential/sdjwt.
const (
	// Request.
	RequestTooLarge Code = "request_too_large"
	RequestInvalid  Code = "request_invalid"
	// Challenge.
	NonceUnknown      Code = "nonce_unknown"
	NonceReplayed     Code = "nonce_replayed"
	ChallengeExpired  Code = "challenge_expired"
	ChallengeOtherRP  Code = "challenge_other_relying_party"
	RPNotRegistered   Code = "relying_party_not_registered"
	ClaimNotAllowed   Code = "claim_not_allowed"
	VCTNotRegistered  Code = "vct_not_registered_for_relying_party"
	VCTNotAccepted    Code = "vct_not_accepted"
	RequiredClaimMiss Code = "required_claim_missing"
	// AudienceNotRegistered: the audience is not among those the relying party signed for in
	// its x/trust registration (none for a registration made before the party's consent).
	AudienceNotRegistered Code = "audience_not_registered"
	// Ledger facts.
	IssuerNotAccredited  Code = "issuer_not_accredited"
	AccreditationUnknown Code = "accreditation_unknown"
	Revoked              Code = "revoked"
	Suspended            Code = "suspended"
	StatusInvalid        Code = "status_invalid"
	StatusUnknown        Code = "status_unknown"
	StatusStale          Code = "status_stale"
	StatusMissing        Code = "status_missing"
	StatusWrongOwner     Code = "status_list_wrong_owner"
	SchemaInvalid        Code = "schema_invalid"
	SchemaUnknown        Code = "schema_unknown"
	// Transport-level (gRPC status details).
	Unauthenticated Code = "unauthenticated"
	RateLimited     Code = "rate_limited"
	Internal        Code = "internal"
)

// CheckOf maps a credential/sdjwt reason to the check it belongs to.
func CheckOf(r sdjwt.Reason) Check {
	switch r {
	case sdjwt.ReasonUnknownKid, sdjwt.ReasonKidNotAssertionMethod, sdjwt.ReasonKeyWithdrawn, sdjwt.ReasonIssuerKeyUnavailable,
		sdjwt.ReasonIssuerInvalid, sdjwt.ReasonKidMismatch, sdjwt.ReasonIssuerKeyInHeader:
		return CheckIssuerKey
	case sdjwt.ReasonCnfInvalid, sdjwt.ReasonKBMissing, sdjwt.ReasonKBInvalid, sdjwt.ReasonKBSignatureInvalid,
		sdjwt.ReasonNonceMismatch, sdjwt.ReasonAudMismatch, sdjwt.ReasonSDHashMismatch, sdjwt.ReasonKBStale:
		return CheckKeyBinding
	case sdjwt.ReasonExpired, sdjwt.ReasonNotYetValid:
		return CheckExpiry
	case sdjwt.ReasonClaimInvalid, sdjwt.ReasonTypInvalid:
		return CheckSchema
	default:
		return CheckSignature
	}
}
