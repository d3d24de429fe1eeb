package types

import errorsmod "cosmossdk.io/errors"

// Council errors; codes are stable (clients and tests match on them).
var (
	ErrInvalidAuthority   = errorsmod.Register(ModuleName, 2, "signer is not the governance authority")
	ErrNotMember          = errorsmod.Register(ModuleName, 3, "account is not a council member")
	ErrAlreadyMember      = errorsmod.Register(ModuleName, 4, "account is already a council member")
	ErrNotAdmitted        = errorsmod.Register(ModuleName, 5, "operator is not admitted by the council")
	ErrUnauthorizedWrite  = errorsmod.Register(ModuleName, 6, "account is not authorised to write to the ledger")
	ErrNotWriter          = errorsmod.Register(ModuleName, 7, "account is not an authorised writer")
	ErrUnequalBond        = errorsmod.Register(ModuleName, 8, "bond differs from the council bond amount")
	ErrSelfDelegationOnly = errorsmod.Register(ModuleName, 9, "agencies may only bond to their own validator")
	ErrInvalidGenesis     = errorsmod.Register(ModuleName, 10, "invalid council genesis")
	ErrInvalidParams      = errorsmod.Register(ModuleName, 11, "invalid council params")
	ErrNotGranter         = errorsmod.Register(ModuleName, 12, "only the granting member or the council may revoke this writer")
	ErrInvalidAddress     = errorsmod.Register(ModuleName, 13, "invalid address")
	ErrQuotaExceeded      = errorsmod.Register(ModuleName, 14, "writer gas quota exceeded")
)

// ErrInvalidAccreditation: an accredited writer must name the accreditation that grants it.
var ErrInvalidAccreditation = errorsmod.Register(ModuleName, 20, "invalid accreditation reference")
