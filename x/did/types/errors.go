package types

import errorsmod "cosmossdk.io/errors"

// DID registry errors; codes are stable (clients and tests match on them).
var (
	ErrInvalidDocument    = errorsmod.Register(ModuleName, 2, "invalid DID document")
	ErrInvalidDid         = errorsmod.Register(ModuleName, 3, "invalid DID")
	ErrDidExists          = errorsmod.Register(ModuleName, 4, "DID already exists")
	ErrDidNotFound        = errorsmod.Register(ModuleName, 5, "DID not found")
	ErrDidDeactivated     = errorsmod.Register(ModuleName, 6, "DID is deactivated")
	ErrUnauthorized       = errorsmod.Register(ModuleName, 7, "signature is not by an authorised verification method")
	ErrInvalidSignature   = errorsmod.Register(ModuleName, 8, "invalid DID signature")
	ErrMissingSignature   = errorsmod.Register(ModuleName, 9, "missing signature of a required controller")
	ErrStaleVersion       = errorsmod.Register(ModuleName, 10, "previous version id is not the latest version")
	ErrWrongNetwork       = errorsmod.Register(ModuleName, 11, "DID is not on this chain's network")
	ErrIDMismatch         = errorsmod.Register(ModuleName, 12, "DID is not derived from a capabilityInvocation key of the document")
	ErrPayloadTooLarge    = errorsmod.Register(ModuleName, 13, "payload too large")
	ErrControllerNotFound = errorsmod.Register(ModuleName, 14, "controller DID not found or not active")
	ErrVersionNotFound    = errorsmod.Register(ModuleName, 15, "DID version not found")
	ErrInvalidGenesis     = errorsmod.Register(ModuleName, 16, "invalid DID genesis")
	ErrInvalidParams      = errorsmod.Register(ModuleName, 17, "invalid DID params")
	ErrInvalidAddress     = errorsmod.Register(ModuleName, 18, "invalid address")
	ErrInvalidRequest     = errorsmod.Register(ModuleName, 19, "invalid request")
	ErrDocumentIDMismatch = errorsmod.Register(ModuleName, 20, "document id differs from the DID being updated")

	// Retired keys (UpdateDidPayload.retired_keys).
	ErrRetiredKeyNotAssertion   = errorsmod.Register(ModuleName, 21, "retired key is not an assertionMethod of the previous version")
	ErrRetiredKeyStillAssertion = errorsmod.Register(ModuleName, 22, "retired key is still an assertionMethod of the new document")
	ErrRetiredAfterBlockTime    = errorsmod.Register(ModuleName, 23, "retired_at is after the block time")
	ErrRetiredBeforeCreation    = errorsmod.Register(ModuleName, 24, "retired_at is before the DID was created")
	ErrDuplicateRetiredKey      = errorsmod.Register(ModuleName, 25, "retired key listed twice")
	ErrTooManyRetiredKeys       = errorsmod.Register(ModuleName, 26, "too many retired keys")

	// History (resolution at a time, paging through versions).
	ErrTimeOutOfRange  = errorsmod.Register(ModuleName, 27, "version time outside the range the time index holds (1677-09-21 to 2262-04-11 UTC)")
	ErrPageTooLarge    = errorsmod.Register(ModuleName, 28, "page limit above the maximum")
	ErrInvalidPageKey  = errorsmod.Register(ModuleName, 29, "invalid page key")
	ErrInvalidPageSpec = errorsmod.Register(ModuleName, 30, "invalid page request")
)
