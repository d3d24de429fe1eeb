package types

import (
	"time"

	errorsmod "cosmossdk.io/errors"

	"github.com/amanah-id/amanah/didcore"
)

// CheckRetiredKeys checks the retired keys of an update from prev to next and returns them with
// absolute method ids (retired_at in UTC). Each id ("#frag" or an absolute DID URL) must name
// an assertionMethod of prev that is not an assertionMethod of next, at most once; retired_at
// must lie in [created, now]; at most MaxSignatures entries.
func CheckRetiredKeys(prev, next *didcore.Document, created, now time.Time, in []RetiredKey) ([]RetiredKey, error) {
	if len(in) == 0 {
		return nil, nil
	}
	if len(in) > MaxSignatures {
		return nil, errorsmod.Wrapf(ErrTooManyRetiredKeys, "%d, max %d", len(in), MaxSignatures)
	}
	base, err := didcore.ParseDID(prev.ID)
	if err != nil {
		return nil, errorsmod.Wrap(ErrInvalidDid, err.Error())
	}
	asserting := func(d *didcore.Document) map[string]bool {
		m := make(map[string]bool)
		for _, vm := range d.MethodsFor(didcore.AssertionMethod) {
			m[vm.ID] = true
		}
		return m
	}
	was, is := asserting(prev), asserting(next)
	out := make([]RetiredKey, 0, len(in))
	seen := make(map[string]bool, len(in))
	for i, rk := range in {
		if len(rk.Id) > didcore.MaxDIDURLLength {
			return nil, errorsmod.Wrapf(ErrRetiredKeyNotAssertion, "retired_keys[%d]: id of %d bytes", i, len(rk.Id))
		}
		u, err := didcore.ResolveReference(base, rk.Id)
		if err != nil {
			return nil, errorsmod.Wrapf(ErrRetiredKeyNotAssertion, "retired_keys[%d]: %q: %v", i, truncate(rk.Id), err)
		}
		id := u.String()
		switch {
		case seen[id]:
			return nil, errorsmod.Wrapf(ErrDuplicateRetiredKey, "retired_keys[%d]: %s", i, id)
		case !was[id]:
			return nil, errorsmod.Wrapf(ErrRetiredKeyNotAssertion, "retired_keys[%d]: %s", i, id)
		case is[id]:
			return nil, errorsmod.Wrapf(ErrRetiredKeyStillAssertion, "retired_keys[%d]: %s", i, id)
		case rk.RetiredAt.After(now):
			return nil, errorsmod.Wrapf(ErrRetiredAfterBlockTime, "retired_keys[%d]: %s is after %s", i,
				rk.RetiredAt.UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano))
		case rk.RetiredAt.Before(created):
			return nil, errorsmod.Wrapf(ErrRetiredBeforeCreation, "retired_keys[%d]: %s is before %s", i,
				rk.RetiredAt.UTC().Format(time.RFC3339Nano), created.UTC().Format(time.RFC3339))
		}
		seen[id] = true
		out = append(out, RetiredKey{Id: id, RetiredAt: rk.RetiredAt.UTC()})
	}
	return out, nil
}
