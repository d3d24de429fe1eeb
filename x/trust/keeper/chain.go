package keeper

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/x/trust/types"
)

// StatusAt returns an accreditation's status at t: the last change made at or before t; the
// grant's own status applies to times before it was recorded (a backdated valid_from).
func StatusAt(a types.Accreditation, t time.Time) types.AccreditationStatus {
	st := a.Status
	if len(a.History) > 0 {
		st = types.AccreditationStatus(a.History[0].Status)
		for _, h := range a.History[1:] {
			if h.Time.After(t) {
				break
			}
			st = types.AccreditationStatus(h.Status)
		}
	}
	return st
}

// notInForce says why an accreditation is not in force at t, or "" when it is.
func notInForce(a types.Accreditation, t time.Time) string {
	switch {
	case t.Before(a.ValidFrom):
		return types.ReasonNotYetValid
	case !t.Before(a.ValidUntil):
		return types.ReasonExpired
	}
	switch StatusAt(a, t) {
	case types.ACCREDITATION_STATUS_ACTIVE:
		return ""
	case types.ACCREDITATION_STATUS_SUSPENDED:
		return types.ReasonSuspended
	default:
		return types.ReasonRevoked
	}
}

// held returns the accreditations held by did (through the Held index, oldest id first).
func (k *Keeper) held(ctx context.Context, did string) ([]types.Accreditation, error) {
	ids, err := k.Held.Get(ctx, did)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]types.Accreditation, 0, len(ids.Ids))
	for _, id := range ids.Ids {
		a, err := k.Accreditations.Get(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("held accreditation %s of %s: %w", id, did, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// bodyAccreditations returns the council-granted accreditation-body accreditations of did in
// force at t. Revocation is checked here, at use: revoking a body's accreditation cuts off
// everything it accredited without touching those records.
func (k *Keeper) bodyAccreditations(ctx context.Context, did string, t time.Time) ([]types.Accreditation, string, error) {
	all, err := k.held(ctx, did)
	if err != nil {
		return nil, "", err
	}
	var out []types.Accreditation
	reason := types.ReasonNoAccreditation
	for _, a := range all {
		if a.Role != types.ROLE_ACCREDITATION_BODY || a.Accreditor != "" {
			continue
		}
		if r := notInForce(a, t); r != "" {
			reason = r
			continue
		}
		out = append(out, a)
	}
	return out, reason, nil
}

// IsAccredited answers whether did is accredited as an issuer of vct at t, walking the chain
// issuer <- accreditation body <- council at query time. It returns the chain that proves it
// (issuer's accreditation first), or a reason code.
func (k *Keeper) IsAccredited(ctx context.Context, did, vct string, t time.Time) ([]types.Accreditation, string, error) {
	active, err := k.did.IsActive(ctx, did)
	if err != nil {
		return nil, "", err
	}
	if !active {
		return nil, types.ReasonIssuerInactive, nil
	}
	all, err := k.held(ctx, did)
	if err != nil {
		return nil, "", err
	}
	reason, rank := types.ReasonNoAccreditation, 0
	for _, a := range all {
		if a.Role != types.ROLE_ISSUER || !slices.Contains(a.Vcts, vct) {
			continue
		}
		chain, r, n, err := k.chainInForce(ctx, a, []string{vct}, t)
		if err != nil || chain != nil {
			return chain, "", err
		}
		if n >= rank {
			reason, rank = r, n
		}
	}
	return nil, reason, nil
}

// chainInForce evaluates one accreditation at t with the links above it: the record itself
// (window and status), then, when a body granted it, the body's DID and a council-granted body
// accreditation of the body in force at t that covers one of vcts. It returns the chain (a
// first), or the reason it is not in force and the reason's rank (1: the record, 2: its
// accreditor). The holder's own DID is the caller's to check.
func (k *Keeper) chainInForce(ctx context.Context, a types.Accreditation, vcts []string, t time.Time) ([]types.Accreditation, string, int, error) {
	if r := notInForce(a, t); r != "" {
		return nil, r, 1, nil
	}
	if a.Accreditor == "" {
		return []types.Accreditation{a}, "", 0, nil
	}
	ok, err := k.did.IsActive(ctx, a.Accreditor)
	if err != nil {
		return nil, "", 0, err
	}
	if !ok {
		return nil, types.ReasonAccreditorInactive, 2, nil
	}
	bodies, _, err := k.bodyAccreditations(ctx, a.Accreditor, t)
	if err != nil {
		return nil, "", 0, err
	}
	for _, b := range bodies {
		if slices.ContainsFunc(vcts, func(v string) bool { return slices.Contains(b.Vcts, v) }) {
			return []types.Accreditation{a, b}, "", 0, nil
		}
	}
	return nil, types.ReasonAccreditorNotAccredited, 2, nil
}

// AccreditationInForce says whether accreditation id is in force at t, by the same evaluation
// as IsAccredited: its holder's DID active, the record in its window and active, and for an
// issuer accredited by a body, the body's DID active and a council-granted body accreditation
// in force covering one of its credential types. It returns "" or the reason code. The
// council's ante handler asks it on every transaction of an accredited operator: a few store
// reads (the record, two DIDs, the body's held accreditations).
func (k *Keeper) AccreditationInForce(ctx context.Context, id string, t time.Time) (string, error) {
	a, err := k.Accreditations.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return types.ReasonNoAccreditation, nil
	} else if err != nil {
		return "", err
	}
	active, err := k.did.IsActive(ctx, a.Accredited)
	if err != nil {
		return "", err
	}
	if !active {
		return types.ReasonIssuerInactive, nil
	}
	_, reason, _, err := k.chainInForce(ctx, a, a.Vcts, t)
	return reason, err
}

// OperatedAccreditations returns the ids of the accreditations naming operator as their
// operator account, oldest grant first. It walks every accreditation: the council's state
// migration calls it once, nothing on a transaction path does.
func (k *Keeper) OperatedAccreditations(ctx context.Context, operator string) ([]string, error) {
	type grant struct {
		id     string
		height int64
	}
	var out []grant
	err := k.Accreditations.Walk(ctx, nil, func(id string, a types.Accreditation) (bool, error) {
		if a.Operator == operator {
			var h int64
			if len(a.History) > 0 {
				h = a.History[0].Height
			}
			out = append(out, grant{id, h})
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(x, y grant) int { return cmp.Compare(x.height, y.height) })
	ids := make([]string, len(out))
	for i, g := range out {
		ids[i] = g.id
	}
	return ids, nil
}

// checkBodyScope checks that body may act now for every vct (register types or relying parties).
func (k *Keeper) checkBodyScope(ctx context.Context, body string, now time.Time, vcts []string) error {
	bodies, reason, err := k.bodyAccreditations(ctx, body, now)
	if err != nil {
		return err
	}
	if len(bodies) == 0 {
		return errorsmod.Wrapf(types.ErrNotAccredited, "%s (%s)", body, reason)
	}
	for _, v := range vcts {
		if !slices.ContainsFunc(bodies, func(b types.Accreditation) bool { return slices.Contains(b.Vcts, v) }) {
			return errorsmod.Wrapf(types.ErrOutsideScope, "%s is not accredited for %s", body, v)
		}
	}
	return nil
}

// checkGrant checks that body may grant p now: an issuer role, each vct within one of its
// accreditations in force whose window contains p's window.
func (k *Keeper) checkGrant(ctx context.Context, p types.AccreditPayload, now time.Time) error {
	if p.Role != types.ROLE_ISSUER {
		return errorsmod.Wrapf(types.ErrRoleNotAllowed, "an accreditation body may only accredit issuers, not a %s", p.Role.Describe())
	}
	if err := k.checkBodyScope(ctx, p.Accreditor, now, p.Vcts); err != nil {
		return err
	}
	bodies, _, err := k.bodyAccreditations(ctx, p.Accreditor, now)
	if err != nil {
		return err
	}
	for _, v := range p.Vcts {
		ok := slices.ContainsFunc(bodies, func(b types.Accreditation) bool {
			return slices.Contains(b.Vcts, v) && !p.ValidFrom.Before(b.ValidFrom) && !p.ValidUntil.After(b.ValidUntil)
		})
		if !ok {
			return errorsmod.Wrapf(types.ErrOutsideValidity, "%s: [%s, %s) is not within the accreditor's validity",
				v, p.ValidFrom.Format(time.RFC3339), p.ValidUntil.Format(time.RFC3339))
		}
	}
	return nil
}
