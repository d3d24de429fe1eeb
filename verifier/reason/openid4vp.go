package reason

// Codes of OpenID4VP presentation requests (CreatePresentationRequest,
// GetPresentationResult, the public endpoints). The codes of openid4vp
// (request_object_*, response_*, state_*, vp_token_invalid, ...) and
// openid4vp/dcql (dcql_*) are used as they are.
const (
	// OpenID4VPNotConfigured: the verifier serves no OpenID4VP endpoint (no public URL).
	OpenID4VPNotConfigured Code = "openid4vp_not_configured"
	// RequestKeyNotConfigured: no request-signing key is configured for the relying party.
	RequestKeyNotConfigured Code = "request_signing_key_not_configured"
	// TransactionUnknown: no such transaction (or forgotten after its retention).
	TransactionUnknown Code = "transaction_unknown"
	// TransactionOtherRP: the transaction belongs to another relying party.
	TransactionOtherRP Code = "transaction_other_relying_party"
	// ResponseCodeInvalid: a same-device result asked without the response code the wallet's redirect carried.
	ResponseCodeInvalid Code = "response_code_invalid"
)
