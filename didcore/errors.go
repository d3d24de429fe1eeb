package didcore

import "errors"

// Sentinel errors; returned errors wrap one of these and name the offending field.
var (
	// ErrInvalidDID reports a string that is not a DID (or a DID where one is required).
	ErrInvalidDID = errors.New("didcore: invalid DID")
	// ErrInvalidDIDURL reports a string that is not a DID URL.
	ErrInvalidDIDURL = errors.New("didcore: invalid DID URL")
	// ErrInvalidAmanahDID reports a DID that is not a well-formed did:amanah identifier.
	ErrInvalidAmanahDID = errors.New("didcore: invalid did:amanah identifier")
	// ErrAmanahIDMismatch reports a did:amanah id not derived from any capabilityInvocation key.
	ErrAmanahIDMismatch = errors.New("didcore: did:amanah id does not match a capabilityInvocation key")
	// ErrInvalidJSON reports malformed JSON or a member of the wrong JSON type.
	ErrInvalidJSON = errors.New("didcore: invalid document JSON")
	// ErrUnknownMember reports a member the strict decoder or the ledger profile does not allow.
	ErrUnknownMember = errors.New("didcore: unknown member")
	// ErrInvalidContext reports a missing or wrong @context.
	ErrInvalidContext = errors.New("didcore: invalid @context")
	// ErrInvalidMethodID reports a verification method id that is not a DID URL with a fragment.
	ErrInvalidMethodID = errors.New("didcore: invalid verification method id")
	// ErrDuplicateID reports two verification methods or two services with the same id.
	ErrDuplicateID = errors.New("didcore: duplicate id")
	// ErrDuplicateValue reports a repeated value in a set (controller, alsoKnownAs, @context, type).
	ErrDuplicateValue = errors.New("didcore: duplicate value in set")
	// ErrUnsupportedMethodType reports a verification method type the profile does not allow.
	ErrUnsupportedMethodType = errors.New("didcore: unsupported verification method type")
	// ErrInvalidKeyMaterial reports missing, doubled, undecodable or mismatched key material.
	ErrInvalidKeyMaterial = errors.New("didcore: invalid key material")
	// ErrInvalidReference reports a verification relationship entry that is not a DID URL with a fragment.
	ErrInvalidReference = errors.New("didcore: invalid verification method reference")
	// ErrUnknownReference reports a verification relationship entry naming no method of the document.
	ErrUnknownReference = errors.New("didcore: reference to unknown verification method")
	// ErrInvalidServiceID reports a service id that is missing or not a URI.
	ErrInvalidServiceID = errors.New("didcore: invalid service id")
	// ErrInvalidServiceType reports a missing or empty service type.
	ErrInvalidServiceType = errors.New("didcore: invalid service type")
	// ErrInvalidServiceEndpoint reports a serviceEndpoint that is not a URI, map or set of them.
	ErrInvalidServiceEndpoint = errors.New("didcore: invalid service endpoint")
	// ErrInvalidURI reports an alsoKnownAs entry that is not an absolute URI.
	ErrInvalidURI = errors.New("didcore: invalid URI")
	// ErrTooLarge reports a document or a list over the Limits.
	ErrTooLarge = errors.New("didcore: too large")
)
