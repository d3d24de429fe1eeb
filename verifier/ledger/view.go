// Package ledger is the verifier's view of the Amanah ledger: complete
// histories of DIDs (x/did), accreditations, relying parties and credential
// types (x/trust) and status-list pages (x/status), kept in memory, filled on
// demand from a Source at the view's state height, invalidated by each
// block's change journal, and refused (fail closed) once the block time of the
// state is older than the freshness bound. Every verification rule is
// evaluated here, from those histories (rules.go; docs/verifier-integration.md
// "Verification rules").
package ledger

import (
	"context"
	"errors"
	"time"

	"github.com/amanah-id/amanah/keys"
)

// Errors a View returns; callers map them to reason codes.
var (
	// ErrStale: no block was seen within the freshness bound, or the view has
	// not synced yet; every answer fails closed.
	ErrStale = errors.New("ledger: view is stale")
	// ErrUnavailable: no node answered the query.
	ErrUnavailable = errors.New("ledger: no node answered")
	// ErrNotFound: the object does not exist on the ledger.
	ErrNotFound = errors.New("ledger: not found")
	// ErrWrongOwner: a status list not owned by the credential's issuer.
	ErrWrongOwner = errors.New("ledger: status list not owned by the issuer")
	// ErrOutOfRange: a status index beyond the list's size.
	ErrOutOfRange = errors.New("ledger: status index out of range")
)

// View is what the verifier service reads from the ledger. Implementations
// are safe for concurrent use.
type View interface {
	// IssuerKey returns the key kid (a DID URL of iss) if it was an
	// assertionMethod of iss at time at and has not been withdrawn since
	// (unless retired in good standing after at). It wraps
	// sdjwtvc.ErrUnknownKey, sdjwtvc.ErrNotAssertionMethod or
	// sdjwtvc.ErrKeyWithdrawn for those cases.
	IssuerKey(ctx context.Context, iss, kid string, at time.Time) (keys.PublicKey, error)
	// AssertionKeys returns the assertionMethod keys of did at time at.
	AssertionKeys(ctx context.Context, did string, at time.Time) ([]Key, error)
	// Accredited reports whether issuer was accredited for vct at time at,
	// through a chain of accreditations to the council in force at at, every
	// link's DID active at at.
	Accredited(ctx context.Context, issuer, vct string, at time.Time) (bool, error)
	// Status returns the entry idx of the status list uri, which must be
	// owned by issuer (ErrWrongOwner), and the height it rests on.
	Status(ctx context.Context, uri string, idx uint32, issuer string) (value uint8, height int64, err error)
	// RelyingParty returns a relying party's registration; ErrNotFound if none.
	RelyingParty(ctx context.Context, did string) (*RelyingParty, error)
	// CredentialSchema returns the JSON Schema of the latest version of the
	// credential type vct registered in x/trust; ErrNotFound if none.
	CredentialSchema(ctx context.Context, vct string) (Schema, error)
	// Sync returns how current the view is.
	Sync() Sync
	// Fresh returns an error wrapping ErrStale unless the view is synced and
	// within its freshness bound.
	Fresh() error
}

// Key is one verification key of a DID document version.
type Key struct {
	// ID is the absolute DID URL of the key.
	ID string
	// Key is the public key.
	Key keys.PublicKey
}

// Sync describes how current a view is.
type Sync struct {
	// Synced reports that a verified state has been reached.
	Synced bool
	// Height is the state height answers are read at (every block up to it
	// applied).
	Height int64
	// BlockTime is the time of the verified header that committed that state.
	BlockTime time.Time
	// SeenAt is the local time that state was reached.
	SeenAt time.Time
}

// Age returns how old the state is by its block time.
func (s Sync) Age(now time.Time) time.Duration { return now.Sub(s.BlockTime) }

// RelyingParty is a relying party's registration in x/trust.
type RelyingParty struct {
	// DID is the relying party's DID.
	DID string
	// Name is its legal name.
	Name string
	// AllowedClaims maps a vct to the claim names the relying party may request.
	AllowedClaims map[string][]string
	// Audiences are the audiences the relying party signed for (https origins, or its
	// OpenID4VP client id); none for a registration without the party's consent.
	Audiences []string
	// Foreign maps a recognised foreign ledger's chain id to the foreign vcts the relying
	// party opted in to accept, each to the claims it may request (none: nothing foreign).
	Foreign map[string]map[string][]string
}

// AllowsAudience reports whether the relying party registered aud (compared bytewise).
func (rp *RelyingParty) AllowsAudience(aud string) bool {
	for _, a := range rp.Audiences {
		if a == aud {
			return true
		}
	}
	return false
}

// Allows reports whether the relying party may request claim for vct.
func (rp *RelyingParty) Allows(vct, claim string) bool {
	for _, c := range rp.AllowedClaims[vct] {
		if c == claim {
			return true
		}
	}
	return false
}

// Schema is the JSON Schema of a credential type version in x/trust.
type Schema struct {
	// VCT is the credential type.
	VCT string
	// Version is the credential type's version.
	Version uint32
	// JSON is the schema's text.
	JSON string
	// SHA256 is the SHA-256 of JSON (computed by the view, not taken from the node).
	SHA256 [32]byte
}
