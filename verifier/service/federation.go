package service

import (
	"context"
	"errors"
	"time"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// Federation routes credentials of foreign ledgers the local council recognises
// (verifier/ledger/federation; docs/federation.md).
type Federation interface {
	// IssuerKey resolves an issuer key on the issuer's ledger.
	IssuerKey(ctx context.Context, iss, kid string, at time.Time) (keys.PublicKey, error)
	// Admit returns nil for a credential of the own ledger, else the foreign admission; errors
	// wrap ledger.ErrLedgerNotRecognised, ErrTypeNotRecognised or ErrForeignUnavailable.
	Admit(ctx context.Context, iss, vct string) (*ledger.ForeignAdmission, error)
	// LocalChainID is the own ledger's chain id.
	LocalChainID() string
}

// federationReason maps a federation error (also when wrapped by the credential library) to
// its reason; "" if err is none of them.
func federationReason(err error) reason.Code {
	switch {
	case errors.Is(err, ledger.ErrLedgerNotRecognised):
		return reason.LedgerNotRecognised
	case errors.Is(err, ledger.ErrTypeNotRecognised):
		return reason.CredentialTypeNotRecognised
	case errors.Is(err, ledger.ErrForeignUnavailable):
		return reason.IssuerLedgerUnavailable
	}
	return ""
}

// admit decides which ledger a verified credential's facts are read from: the local view, or
// the view of a recognised foreign ledger (recorded in the verdict). ok false: refused.
func (s *Service) admit(ctx context.Context, iss, vct string, v *verdict) (ledger.View, *ledger.ForeignAdmission, bool) {
	f := s.cfg.Federation
	if f == nil {
		return s.cfg.View, nil, true
	}
	fa, err := f.Admit(ctx, iss, vct)
	if err != nil {
		v.resp.IssuerLedger = ledger.LedgerOf(err)
		r := federationReason(err)
		if r == "" {
			r = reason.IssuerLedgerUnavailable
		}
		v.add(reason.CheckIssuerLedger, r)
		return nil, nil, false
	}
	if fa == nil {
		v.resp.IssuerLedger = f.LocalChainID()
		return s.cfg.View, nil, true
	}
	v.resp.IssuerLedger = fa.ChainID
	v.resp.Recognition = &verifierpb.RecognitionRef{ChainId: fa.ChainID, Version: fa.Recognition.Version, LocalVct: fa.Type.EffectiveVCT()}
	v.add(reason.CheckIssuerLedger, "")
	return fa.View, fa, true
}

// foreignAllows returns what a relying party may request of a foreign credential: it opted in
// to the type of that ledger, and both its opt-in and the recognition list the claim.
func foreignAllows(rp *ledger.RelyingParty, fa *ledger.ForeignAdmission, vct string) (func(string) bool, reason.Code) {
	if !rp.AcceptsForeign(fa.ChainID, vct) {
		return nil, reason.CredentialTypeNotAccepted
	}
	return func(c string) bool {
		if !rp.AllowsForeign(fa.ChainID, vct, c) {
			return false
		}
		for _, x := range fa.Type.Claims {
			if x == c {
				return true
			}
		}
		return false
	}, ""
}
