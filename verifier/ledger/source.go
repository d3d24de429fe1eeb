package ledger

import (
	"context"
	"time"

	"github.com/amanah-id/amanah/didcore"
)

// Source is what the cache reads from a chain: complete histories of ledger
// objects at a state height, and what each block changed. Every answer of the
// chain-backed Source (verifier/ledger/node over verifier/ledger/proved) is
// proved against a light-client-verified header; ledgertest is an in-memory
// chain for unit tests. The cache evaluates every verification rule itself
// (rules.go), so both are held to the same rules.
type Source interface {
	// Head returns the newest verified state: its height and the time of the
	// block that committed it.
	Head(ctx context.Context) (Head, error)
	// Journal returns what block h changed.
	Journal(ctx context.Context, h int64) (Journal, error)
	// DIDHistory returns every version of did at state height h, oldest
	// first; empty if the DID did not exist.
	DIDHistory(ctx context.Context, did string, h int64) ([]DIDVersion, error)
	// Held returns every accreditation did holds at h (revoked ones too).
	Held(ctx context.Context, did string, h int64) ([]Accreditation, error)
	// RelyingParty returns a registration at h; ErrNotFound if none.
	RelyingParty(ctx context.Context, did string, h int64) (RelyingParty, error)
	// CredentialSchema returns the latest schema of vct at h (SHA256 need not
	// be set); ErrNotFound if the type is not registered.
	CredentialSchema(ctx context.Context, vct string, h int64) (Schema, error)
	// StatusList returns list id's parameters at h; ErrNotFound if none.
	StatusList(ctx context.Context, id uint64, h int64) (ListInfo, error)
	// StatusPage returns page p of list id at h; nil for a page never
	// written (every entry 0). The list must exist at h.
	StatusPage(ctx context.Context, id uint64, p uint32, h int64) ([]byte, error)
}

// Head is a verified state of the chain.
type Head struct {
	// Height is the state height (the app hash of this state is in the
	// header of Height+1).
	Height int64
	// Time is the time of the header that committed the state.
	Time time.Time
}

// Journal is what one block changed.
type Journal struct {
	Height int64
	// DIDs created, updated or deactivated.
	DIDs []string
	// Holders whose accreditations were granted or changed.
	Holders []string
	// RelyingParties registered or changed.
	RelyingParties []string
	// VCTs of credential types registered.
	VCTs []string
	// Ledgers are the chain ids of foreign ledgers whose recognition changed.
	Ledgers []string
	// Lists created or updated, with the pages written (none: created).
	Lists map[uint64][]uint32
}

// DIDVersion is one stored version of a DID document.
type DIDVersion struct {
	// Seq numbers the versions from 1.
	Seq uint64
	// Document is the version's document (nil when Deactivated).
	Document *didcore.Document
	// Updated is the block time the version was written (ValidFrom).
	Updated time.Time
	// Deactivated marks the version written by deactivation (the last).
	Deactivated bool
	// Retired lists the keys the update that wrote this version withdrew in
	// good standing, with the time each stopped issuing.
	Retired []RetiredKey
}

// RetiredKey is a key withdrawn in good standing.
type RetiredKey struct {
	// ID is the verification method's absolute DID URL.
	ID string
	// At is when it stopped issuing.
	At time.Time
}

// AccreditationStatus is an accreditation's status (x/trust numbering).
type AccreditationStatus int32

// Accreditation statuses.
const (
	AccreditationActive    AccreditationStatus = 1
	AccreditationSuspended AccreditationStatus = 2
	AccreditationRevoked   AccreditationStatus = 3
)

// Role is an accreditation's role (x/trust numbering).
type Role int32

// Roles.
const (
	RoleAccreditationBody Role = 1
	RoleIssuer            Role = 2
)

// Accreditation is an x/trust accreditation with its full status history.
type Accreditation struct {
	ID string
	// Accreditor is the accrediting body's DID; empty for the council.
	Accreditor string
	Accredited string
	Role       Role
	VCTs       []string
	// ValidFrom and ValidUntil bound the validity window [ValidFrom, ValidUntil).
	ValidFrom, ValidUntil time.Time
	// Status is the current status; History every change, oldest first (the
	// first is the grant).
	Status  AccreditationStatus
	History []StatusChange
}

// StatusChange is one status change of an accreditation.
type StatusChange struct {
	Status AccreditationStatus
	Time   time.Time
}

// ListInfo describes a status list.
type ListInfo struct {
	// ID is the list id on the ledger.
	ID uint64
	// Owner is the issuer DID that owns the list.
	Owner string
	// Bits is the number of bits per entry (1 or 2).
	Bits uint8
	// Size is the number of entries.
	Size uint32
}

// Kind names a kind of cached ledger object.
type Kind uint8

// Kinds of cached ledger objects.
const (
	KindDID Kind = iota
	KindTrust
	KindStatus
	numKinds
)

// String returns the kind's metric label.
func (k Kind) String() string {
	switch k {
	case KindDID:
		return "did"
	case KindTrust:
		return "trust"
	case KindStatus:
		return "status"
	}
	return "unknown"
}
