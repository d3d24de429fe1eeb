// Package openid4vp is the part of OpenID for Verifiable Presentations 1.0
// Amanah speaks, on both sides: the signed authorization request (JAR,
// typ oauth-authz-req+jwt) of a verifier identified by its DID (client id
// prefix "decentralized_identifier:", signed with an assertionMethod key of
// that DID), the openid4vp:// request URI (by reference), and the wallet's
// response (vp_token, direct_post or direct_post.jwt, the latter a JWE
// ECDH-ES with A128GCM or A256GCM, go-jose v4). Queries are DCQL
// (openid4vp/dcql). It is chain-free: resolving the DID is the caller's.
//
// Every refusal is an *Error with a stable Code.
package openid4vp

import (
	"errors"
	"fmt"
)

// Protocol constants.
const (
	// Scheme is the wallet invocation scheme.
	Scheme = "openid4vp"
	// ClientIDPrefixDID is the client identifier prefix of a verifier known by its DID.
	ClientIDPrefixDID = "decentralized_identifier:"
	// TypRequest is the request object's JWS typ.
	TypRequest = "oauth-authz-req+jwt"
	// ContentTypeRequest is the media type of a request object.
	ContentTypeRequest = "application/oauth-authz-req+jwt"
	// ResponseTypeVPToken is the only response_type.
	ResponseTypeVPToken = "vp_token"
	// ModeDirectPost and ModeDirectPostJWT are the response modes.
	ModeDirectPost    = "direct_post"
	ModeDirectPostJWT = "direct_post.jwt"
	// AudSelfIssued is the request object's aud (static discovery, OpenID4VP 1.0 5.8).
	AudSelfIssued = "https://self-issued.me/v2"
	// EncA128GCM and EncA256GCM are the supported content encryptions.
	EncA128GCM = "A128GCM"
	EncA256GCM = "A256GCM"
	// AlgECDHES is the key agreement of encrypted responses.
	AlgECDHES = "ECDH-ES"
)

// Limits on untrusted input.
const (
	MaxRequestURILen    = 4096
	MaxRequestObjectLen = 64 << 10
	MaxResponseLen      = 256 << 10
	MaxStateLen         = 128
	MaxNonceLen         = 128
)

// Code is a stable reason code.
type Code string

// Reason codes (an API: never renamed or reused; docs/verifier-integration.md).
const (
	// Request URI.
	CodeRequestURIInvalid Code = "request_uri_invalid"
	// Request object.
	CodeRequestObjectMalformed Code = "request_object_malformed"
	CodeRequestObjectTyp       Code = "request_object_typ_invalid"
	CodeRequestObjectSignature Code = "request_object_signature_invalid"
	CodeClientIDPrefix         Code = "client_id_prefix_unsupported"
	CodeClientIDMismatch       Code = "client_id_mismatch"
	CodeRequestKidInvalid      Code = "request_object_kid_invalid"
	CodeClientUnknown          Code = "client_unknown"
	CodeRequestExpired         Code = "request_expired"
	CodeRequestInvalid         Code = "request_object_invalid"
	CodeRequestFetchFailed     Code = "request_fetch_failed"
	// Response.
	CodeResponseMalformed     Code = "response_malformed"
	CodeResponseTooLarge      Code = "response_too_large"
	CodeStateMissing          Code = "state_missing"
	CodeStateUnknown          Code = "state_unknown"
	CodeResponseNotEncrypted  Code = "response_not_encrypted"
	CodeResponseDecryptFailed Code = "response_decryption_failed"
	CodeResponseReplayed      Code = "response_replayed"
	CodeTransactionExpired    Code = "transaction_expired"
	CodeVPTokenInvalid        Code = "vp_token_invalid"
)

// Error is a refusal with a stable code.
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Msg }

// Errorf returns an *Error.
func Errorf(c Code, format string, args ...any) error {
	return &Error{Code: c, Msg: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of an *Error in err's chain, "" if none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
