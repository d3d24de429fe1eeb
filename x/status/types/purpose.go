package types

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/statuslist"
)

// Bits returns the bits per entry of a list with purpose p (0 if p is not a valid purpose).
func (p StatusPurpose) Bits() uint32 {
	switch p {
	case StatusPurpose_STATUS_PURPOSE_REVOCATION, StatusPurpose_STATUS_PURPOSE_SUSPENSION:
		return 1
	case StatusPurpose_STATUS_PURPOSE_STATUS:
		return 2
	}
	return 0
}

// W3CPurpose returns the W3C Bitstring Status List statusPurpose of p.
func (p StatusPurpose) W3CPurpose() string {
	switch p {
	case StatusPurpose_STATUS_PURPOSE_REVOCATION:
		return "revocation"
	case StatusPurpose_STATUS_PURPOSE_SUSPENSION:
		return "suspension"
	case StatusPurpose_STATUS_PURPOSE_STATUS:
		return "message"
	}
	return ""
}

// ParsePurpose reads a purpose name: revocation, suspension or status.
func ParsePurpose(s string) (StatusPurpose, error) {
	switch s {
	case "revocation":
		return StatusPurpose_STATUS_PURPOSE_REVOCATION, nil
	case "suspension":
		return StatusPurpose_STATUS_PURPOSE_SUSPENSION, nil
	case "status", "message":
		return StatusPurpose_STATUS_PURPOSE_STATUS, nil
	}
	return 0, errorsmod.Wrapf(ErrInvalidPurpose, "%q (want revocation, suspension or status)", s)
}

// Operation is what an issuer does to an entry: revoke, suspend or reinstate.
type Operation string

// Operations an issuer may apply.
const (
	OpRevoke    Operation = "revoke"
	OpSuspend   Operation = "suspend"
	OpReinstate Operation = "reinstate"
)

// ValueFor returns the entry value that op writes in a list of purpose p.
func (p StatusPurpose) ValueFor(op Operation) (uint8, error) {
	switch {
	case op == OpReinstate && p.Bits() != 0:
		return statuslist.StatusValid, nil
	case op == OpRevoke && (p == StatusPurpose_STATUS_PURPOSE_REVOCATION || p == StatusPurpose_STATUS_PURPOSE_STATUS):
		return statuslist.StatusInvalid, nil
	case op == OpSuspend && p == StatusPurpose_STATUS_PURPOSE_SUSPENSION:
		return 1, nil
	case op == OpSuspend && p == StatusPurpose_STATUS_PURPOSE_STATUS:
		return statuslist.StatusSuspended, nil
	}
	return 0, errorsmod.Wrap(ErrInvalidPurpose, fmt.Sprintf("cannot %s in a %s list", op, p.W3CPurpose()))
}
