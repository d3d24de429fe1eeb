package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RecognitionStatus is a foreign-ledger recognition's status (x/trust numbering).
type RecognitionStatus int32

// Recognition statuses.
const (
	RecognitionActive    RecognitionStatus = 1
	RecognitionSuspended RecognitionStatus = 2
	RecognitionWithdrawn RecognitionStatus = 3
)

// Recognition is one version of the local council's recognition of a foreign ledger
// (x/trust LedgerRecognition; docs/federation.md).
type Recognition struct {
	ChainID    string
	Version    uint32
	DIDNetwork string
	// The light-client trust root of the foreign ledger.
	RootHeight int64
	RootHash   []byte
	RootPeriod time.Duration
	Types      []RecognisedType
	Status     RecognitionStatus
	// UpdatedAt is the block time the version was written (in force from then on).
	UpdatedAt time.Time
}

// RecognisedType is one recognised foreign credential type.
type RecognisedType struct {
	// ForeignVCT is the type as the foreign ledger names it.
	ForeignVCT string
	// LocalVCT is the local type it counts as; empty: accepted as is.
	LocalVCT string
	// Claims are the claims a local relying party may request of it.
	Claims []string
}

// Type returns the recognised type foreignVCT, if listed.
func (r *Recognition) Type(foreignVCT string) (RecognisedType, bool) {
	for _, t := range r.Types {
		if t.ForeignVCT == foreignVCT {
			return t, true
		}
	}
	return RecognisedType{}, false
}

// EffectiveVCT is the local type t counts as: LocalVCT, or ForeignVCT when accepted as is.
func (t RecognisedType) EffectiveVCT() string {
	if t.LocalVCT != "" {
		return t.LocalVCT
	}
	return t.ForeignVCT
}

// RecognitionAt returns the version in force at t (the last written at or before t).
func RecognitionAt(versions []Recognition, t time.Time) (Recognition, bool) {
	var (
		out Recognition
		ok  bool
	)
	for _, v := range versions {
		if v.UpdatedAt.After(t) {
			break
		}
		out, ok = v, true
	}
	return out, ok
}

// RecognitionSource is implemented by Sources that read recognitions of foreign ledgers
// (verifier/ledger/node, ledgertest).
type RecognitionSource interface {
	// Recognition returns every version of the recognition of chainID at h, oldest first
	// (none: never recognised).
	Recognition(ctx context.Context, chainID string, h int64) ([]Recognition, error)
}

// ErrNoRecognitions: the cache's Source does not read recognitions.
var ErrNoRecognitions = errors.New("ledger: source reads no recognitions")

// Recognition returns every version of the recognition of the foreign ledger chainID at the
// view's state, oldest first (none: never recognised); cached, invalidated by the trust
// journal's ledgers.
func (c *Cache) Recognition(ctx context.Context, chainID string) ([]Recognition, error) {
	if err := c.Fresh(); err != nil {
		return nil, err
	}
	rs, ok := c.src.(RecognitionSource)
	if !ok {
		return nil, ErrNoRecognitions
	}
	v, err := cached(ctx, c, KindTrust, c.recognitions, chainID, func(ctx context.Context, h int64) ([]Recognition, error) {
		return rs.Recognition(ctx, chainID, h)
	})
	if err != nil {
		return nil, fmt.Errorf("recognition of %s: %w", chainID, err)
	}
	return *v, nil
}

// AcceptsForeign reports whether the relying party opted in to the foreign type vct of the
// ledger chainID.
func (rp *RelyingParty) AcceptsForeign(chainID, vct string) bool {
	_, ok := rp.Foreign[chainID][vct]
	return ok
}

// AllowsForeign reports whether the relying party may request claim of the foreign type vct of
// the ledger chainID.
func (rp *RelyingParty) AllowsForeign(chainID, vct, claim string) bool {
	for _, c := range rp.Foreign[chainID][vct] {
		if c == claim {
			return true
		}
	}
	return false
}

// Errors of a federated view (verifier/ledger/federation); the service maps them to reasons.
var (
	// ErrLedgerNotRecognised: the DID's ledger is not recognised (never, suspended, withdrawn).
	ErrLedgerNotRecognised = errors.New("ledger: issuer's ledger is not recognised")
	// ErrTypeNotRecognised: the ledger is recognised, not for the credential type.
	ErrTypeNotRecognised = errors.New("ledger: credential type not recognised for the issuer's ledger")
	// ErrForeignUnavailable: a recognised ledger with no fresh proved view.
	ErrForeignUnavailable = errors.New("ledger: issuer's ledger unavailable")
)

// ForeignAdmission says a credential's issuer is on a recognised foreign ledger: which, the
// recognition version in force, the recognised type, and the view of that ledger.
type ForeignAdmission struct {
	ChainID     string
	Recognition Recognition
	Type        RecognisedType
	View        View
}

// AcceptsForeignVCT reports whether the relying party opted in to vct of any foreign ledger.
func (rp *RelyingParty) AcceptsForeignVCT(vct string) bool {
	for chain := range rp.Foreign {
		if rp.AcceptsForeign(chain, vct) {
			return true
		}
	}
	return false
}

// AllowsForeignVCT reports whether the relying party may request claim of vct of any foreign ledger.
func (rp *RelyingParty) AllowsForeignVCT(vct, claim string) bool {
	for chain := range rp.Foreign {
		if rp.AllowsForeign(chain, vct, claim) {
			return true
		}
	}
	return false
}

// LedgerError is a federation refusal about a known foreign ledger: the verdict can name it.
type LedgerError struct {
	ChainID string
	Err     error
}

func (e *LedgerError) Error() string { return e.ChainID + ": " + e.Err.Error() }

// Unwrap returns the cause (one of the errors above).
func (e *LedgerError) Unwrap() error { return e.Err }

// LedgerOf returns the chain id named by a LedgerError in err's chain ("" if none).
func LedgerOf(err error) string {
	var le *LedgerError
	if errors.As(err, &le) {
		return le.ChainID
	}
	return ""
}
