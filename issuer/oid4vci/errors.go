// Package oid4vci holds the OpenID for Verifiable Credential Issuance 1.0 protocol pieces of
// amanah-issuer: the messages (metadata, offers, token and credential requests), their strict
// parsers (untrusted input: fuzzed), the key-proof JWT checks, and the stable error codes.
// It has no HTTP server and no storage: issuer/service wires it.
package oid4vci

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes of RFC 6749 (token endpoint), RFC 6750 (bearer tokens) and OpenID4VCI 1.0
// (credential and nonce endpoints). They are stable: wallets branch on them.
const (
	// Token endpoint (RFC 6749 5.2).
	ErrInvalidRequest       = "invalid_request"
	ErrInvalidGrant         = "invalid_grant"
	ErrUnsupportedGrantType = "unsupported_grant_type"
	ErrInvalidClient        = "invalid_client"
	// Bearer token (RFC 6750 3.1).
	ErrInvalidToken = "invalid_token"
	// Credential endpoint (OpenID4VCI 1.0 8.3.1.2).
	ErrInvalidCredentialRequest       = "invalid_credential_request"
	ErrUnknownCredentialConfiguration = "unknown_credential_configuration"
	ErrUnknownCredentialIdentifier    = "unknown_credential_identifier"
	ErrInvalidProof                   = "invalid_proof"
	ErrInvalidNonce                   = "invalid_nonce"
	ErrCredentialRequestDenied        = "credential_request_denied"
	// Any endpoint: the server failed (RFC 6749 server_error).
	ErrServerError = "server_error"
)

// Error is a protocol error answered as {"error": Code, "error_description": Description}
// with HTTP status Status.
type Error struct {
	Code        string
	Description string
	Status      int
}

func (e *Error) Error() string { return e.Code + ": " + e.Description }

// Errorf returns an *Error with the status the code implies.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Description: fmt.Sprintf(format, args...), Status: statusOf(code)}
}

func statusOf(code string) int {
	switch code {
	case ErrInvalidToken, ErrInvalidClient:
		return http.StatusUnauthorized
	case ErrServerError:
		return http.StatusInternalServerError
	default:
		return http.StatusBadRequest
	}
}

// CodeOf returns the protocol code of err (server_error if err is not an *Error).
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return ErrServerError
}

// AsError returns err as an *Error (server_error with a generic description otherwise, so
// internal details do not reach the wallet).
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: ErrServerError, Description: "the issuer failed to process the request", Status: http.StatusInternalServerError}
}
