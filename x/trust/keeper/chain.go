package keeper

import (
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
	note := func(r string, n int) {
		if n >= rank {
			reason, rank = r, n
		}
	}
	for _, a := range all {
		if a.Role != types.ROLE_ISSUER || !slices.Contains(a.Vcts, vct) {
			continue
		}
		if r := notInForce(a, t); r != "" {
			note(r, 1)
			continue
		}
		if a.Accreditor == "" {
			return []types.Accreditation{a}, "", nil
		}
		ok, err := k.did.IsActive(ctx, a.Accreditor)
		if err != nil {
			return nil, "", err
		}
		if !ok {
			note(types.ReasonAccreditorInactive, 2)
			continue
		}
		bodies, _, err := k.bodyAccreditations(ctx, a.Accreditor, t)
		if err != nil {
			return nil, "", err
		}
		for _, b := range bodies {
			if slices.Contains(b.Vcts, vct) {
				return []types.Accreditation{a, b}, "", nil
			}
		}
		note(types.ReasonAccreditorNotAccredited, 2)
	}
	return nil, reason, nil
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
