package chainledger

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cosmos/cosmos-sdk/types/query"

	didtypes "github.com/amanah-id/amanah/x/did/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// Standing implements Ledger. The facts Amanah's verifier checks at a credential's iat
// (verifier/ledger/rules.go: keyRule and accreditedRule) are the issuer DID's version, the
// issuer's accreditations for vct, and for each accreditation granted by a body, the body's
// DID version and its council accreditations for vct. The standing start is the latest time
// any of them changed: the newest version of each DID, every status change of each
// accreditation, and each validity bound (valid_from, valid_until) already reached at now.
// No fact changes between the standing start and now, so the verifier judges a credential
// with any iat in [standing start, now] as it would one with iat = now.
func (n *Node) Standing(ctx context.Context, vct string, now time.Time) (time.Time, error) {
	var st time.Time
	later := func(t time.Time) {
		if t.After(st) {
			st = t
		}
	}
	didTime := func(did string) error {
		r, err := didtypes.NewQueryClient(n.Conn).Versions(ctx, &didtypes.QueryVersionsRequest{Did: did,
			Pagination: &query.PageRequest{Reverse: true, Limit: 1}})
		if err != nil {
			return fmt.Errorf("issuer standing: versions of %s: %w", did, err)
		}
		for _, v := range r.Versions {
			later(v.Updated)
		}
		return nil
	}
	if err := didTime(n.DID); err != nil {
		return time.Time{}, err
	}
	held, err := n.held(ctx, n.DID)
	if err != nil {
		return time.Time{}, err
	}
	bodies := map[string]bool{}
	for _, a := range Relevant(held, trusttypes.ROLE_ISSUER, vct) {
		later(AccreditationChanged(a, now))
		if a.Accreditor != "" && !bodies[a.Accreditor] {
			bodies[a.Accreditor] = true
			if err := didTime(a.Accreditor); err != nil {
				return time.Time{}, err
			}
			bh, err := n.held(ctx, a.Accreditor)
			if err != nil {
				return time.Time{}, err
			}
			for _, b := range Relevant(bh, trusttypes.ROLE_ACCREDITATION_BODY, vct) {
				if b.Accreditor == "" {
					later(AccreditationChanged(b, now))
				}
			}
		}
	}
	return st, nil
}

// held reads every accreditation did holds.
func (n *Node) held(ctx context.Context, did string) ([]trusttypes.Accreditation, error) {
	var out []trusttypes.Accreditation
	var key []byte
	for {
		r, err := trusttypes.NewQueryClient(n.Conn).Accreditations(ctx, &trusttypes.QueryAccreditationsRequest{Accredited: did,
			Pagination: &query.PageRequest{Key: key, Limit: 100}})
		if err != nil {
			return nil, fmt.Errorf("issuer standing: accreditations of %s: %w", did, err)
		}
		out = append(out, r.Accreditations...)
		if r.Pagination == nil || len(r.Pagination.NextKey) == 0 {
			return out, nil
		}
		key = r.Pagination.NextKey
	}
}

// Relevant returns the accreditations of role whose scope holds vct.
func Relevant(as []trusttypes.Accreditation, role trusttypes.Role, vct string) []trusttypes.Accreditation {
	var out []trusttypes.Accreditation
	for _, a := range as {
		if a.Role == role && slices.Contains(a.Vcts, vct) {
			out = append(out, a)
		}
	}
	return out
}

// AccreditationChanged is the latest time at or before now at which a's standing changed: its
// last status change, or a validity bound already reached.
func AccreditationChanged(a trusttypes.Accreditation, now time.Time) time.Time {
	var t time.Time
	for _, h := range a.History {
		if h.Time.After(t) {
			t = h.Time
		}
	}
	for _, b := range []time.Time{a.ValidFrom, a.ValidUntil} {
		if !b.After(now) && b.After(t) {
			t = b
		}
	}
	return t
}
