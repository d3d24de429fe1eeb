package ledger

import (
	"context"
	"time"

	"github.com/amanah-id/amanah/didcore"
)

// Node is what one ledger node answers: the queries of x/did, x/trust and
// x/status, reduced to what the verifier needs. Each answer carries the
// block height it was read at. The chain-backed implementation lives in
// verifier/ledger/node; tests use ledgertest.
type Node interface {
	// DIDVersion returns the version of did valid at time at (zero: latest);
	// ErrNotFound if the DID does not exist or did not exist at that time.
	DIDVersion(ctx context.Context, did string, at time.Time) (DIDVersion, int64, error)
	// Accreditation reports whether issuer was accredited for vct at time at
	// (through an accreditation chain to the council), and a window around at
	// in which that answer holds while the trust registry does not change.
	Accreditation(ctx context.Context, issuer, vct string, at time.Time) (bool, Window, int64, error)
	// StatusList returns a status list's parameters; ErrNotFound if none.
	StatusList(ctx context.Context, uri string) (ListInfo, int64, error)
	// StatusPage returns one page of a list (statuslist layout; an all-zero
	// or empty page means every entry valid).
	StatusPage(ctx context.Context, listID string, page uint32) ([]byte, int64, error)
	// RelyingParty returns a relying party's registration; ErrNotFound if none.
	RelyingParty(ctx context.Context, did string) (RelyingParty, int64, error)
	// CredentialSchema returns the schema of the latest version of the
	// credential type vct (SHA256 need not be set); ErrNotFound if none.
	CredentialSchema(ctx context.Context, vct string) (Schema, int64, error)
}

// Events delivers a node's committed blocks in height order. The channel is
// closed when the subscription fails; the cache then subscribes again.
type Events interface {
	Subscribe(ctx context.Context) (<-chan Block, error)
}

// DIDVersion is one version of a DID document with its validity interval.
type DIDVersion struct {
	// Document is the DID document.
	Document *didcore.Document
	// ValidFrom is when this version became current.
	ValidFrom time.Time
	// ValidUntil is when the next version replaced it; zero for the latest.
	ValidUntil time.Time
	// Deactivated reports a deactivated DID (no key is valid after ValidFrom).
	Deactivated bool
}

// Window is an interval [From, Until); a zero Until is open-ended.
type Window struct {
	From, Until time.Time
}

// Contains reports whether t lies in the window.
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.From) && (w.Until.IsZero() || t.Before(w.Until))
}

// ListInfo describes a status list.
type ListInfo struct {
	// ID is the list id on the ledger.
	ID string
	// Bits is the number of bits per entry (1 or 2).
	Bits uint8
	// Size is the number of entries.
	Size uint32
}

// Block is a committed block and what it changed.
type Block struct {
	// Height and Time of the block.
	Height int64
	Time   time.Time
	// Changes lists the ledger objects the block changed.
	Changes []Change
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

// Change names a changed object: a DID, a status list with its changed
// indices, or the trust registry (accreditations, relying parties and
// credential types). An empty Key invalidates every object of
// the kind.
type Change struct {
	Kind Kind
	// Key is the DID (KindDID), the list id (KindStatus), or empty.
	Key string
	// Indices are the changed entries of a status list; nil means all.
	Indices []uint32
}
