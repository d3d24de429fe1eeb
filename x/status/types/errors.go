package types

import errorsmod "cosmossdk.io/errors"

// Status errors; codes are stable (clients and tests match on them).
var (
	ErrInvalidSigner     = errorsmod.Register(ModuleName, 2, "invalid signer address")
	ErrListNotFound      = errorsmod.Register(ModuleName, 3, "status list not found")
	ErrIndexOutOfRange   = errorsmod.Register(ModuleName, 4, "index out of range")
	ErrValueTooWide      = errorsmod.Register(ModuleName, 5, "status value wider than the list's bits per entry")
	ErrUnauthorized      = errorsmod.Register(ModuleName, 6, "not signed by an assertionMethod key of the list's owner")
	ErrOwnerDeactivated  = errorsmod.Register(ModuleName, 7, "owner DID is deactivated")
	ErrSizeTooSmall      = errorsmod.Register(ModuleName, 8, "list size below the minimum (131072)")
	ErrSizeTooLarge      = errorsmod.Register(ModuleName, 9, "list size above the maximum (16777216)")
	ErrSizeNotAligned    = errorsmod.Register(ModuleName, 10, "list size is not a whole number of 4 KiB pages")
	ErrBatchTooLarge     = errorsmod.Register(ModuleName, 11, "too many entries in one update")
	ErrDuplicateIndex    = errorsmod.Register(ModuleName, 12, "index named twice in one update")
	ErrEmptyUpdate       = errorsmod.Register(ModuleName, 13, "update has no entries")
	ErrInvalidPurpose    = errorsmod.Register(ModuleName, 14, "invalid status purpose")
	ErrOwnerNotFound     = errorsmod.Register(ModuleName, 15, "owner DID not found")
	ErrBadSequence       = errorsmod.Register(ModuleName, 16, "payload sequence is not the owner's next sequence")
	ErrMalformedUpdate   = errorsmod.Register(ModuleName, 17, "malformed update (values must give one byte per index)")
	ErrInvalidGenesis    = errorsmod.Register(ModuleName, 18, "invalid status genesis")
	ErrInvalidDID        = errorsmod.Register(ModuleName, 19, "invalid owner DID")
	ErrPageOutOfRange    = errorsmod.Register(ModuleName, 20, "page out of range")
	ErrMissingPayload    = errorsmod.Register(ModuleName, 21, "message has no payload")
	ErrMissingSignatures = errorsmod.Register(ModuleName, 22, "message has no DID signatures")
	ErrInvalidURI        = errorsmod.Register(ModuleName, 23, "invalid status list URI")
)
