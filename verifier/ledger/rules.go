package ledger

import (
	"fmt"
	"slices"
	"time"

	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
)

// The verification rules, evaluated over complete histories read at one state
// height. They are the text of docs/verifier-integration.md ("Verification
// rules"); keep the two in step.

// keyRule returns the key of method frag of a DID (history e) for a
// credential issued at iat:
//   - the version current at iat has frag as an assertionMethod;
//   - no later version withdraws it (drops it from assertionMethod or binds
//     frag to another key), unless the version that withdrew it recorded it
//     as retired in good standing at a time after iat (each withdrawal, if
//     the key was re-added meanwhile);
//   - no version deactivates the DID (a deactivated DID signs nothing).
func keyRule(e *didEntry, frag string, iat time.Time) (keys.PublicKey, error) {
	idx := e.versionAt(iat)
	if idx < 0 {
		return keys.PublicKey{}, fmt.Errorf("no version at %s: %w", iat.UTC().Format(time.RFC3339), sdjwtvc.ErrUnknownKey)
	}
	v := e.version(idx)
	if v.deactivated {
		return keys.PublicKey{}, fmt.Errorf("deactivated: %w", sdjwtvc.ErrUnknownKey)
	}
	m, ok := v.method(frag)
	switch {
	case !ok:
		return keys.PublicKey{}, fmt.Errorf("%s: %w", frag, sdjwtvc.ErrUnknownKey)
	case !m.assertion:
		return keys.PublicKey{}, fmt.Errorf("%s: %w", frag, sdjwtvc.ErrNotAssertionMethod)
	}
	present := true
	for j := idx + 1; j < e.len(); j++ {
		w := e.version(j)
		if w.deactivated {
			return keys.PublicKey{}, fmt.Errorf("deactivated since: %w", sdjwtvc.ErrUnknownKey)
		}
		if m2, ok := w.method(frag); ok && m2.assertion && m2.key.Equal(m.key) {
			present = true // (re-)added: a later withdrawal is judged again
			continue
		}
		if !present {
			continue
		}
		present = false
		// Every withdrawal after iat must be a retirement in good standing
		// after iat: a key re-added and then dropped may have been stolen in
		// between, and a stolen key can sign any iat.
		if at, ok := e.retiredAt(j, frag); ok && iat.Before(at) {
			continue
		}
		return keys.PublicKey{}, fmt.Errorf("%s withdrawn in version %d: %w", frag, j+1, sdjwtvc.ErrKeyWithdrawn)
	}
	return m.key, nil
}

// activeAt reports whether a DID (history e, nil: unknown) existed and was
// not deactivated at t.
func activeAt(e *didEntry, t time.Time) bool {
	if e == nil {
		return false
	}
	i := e.versionAt(t)
	return i >= 0 && !e.version(i).deactivated
}

// statusAt is an accreditation's status at t: the last change made at or
// before t; the grant's status applies before it was recorded (a backdated
// valid_from). It is x/trust's StatusAt.
func statusAt(a *Accreditation, t time.Time) AccreditationStatus {
	if len(a.History) == 0 {
		return a.Status
	}
	st := a.History[0].Status
	for _, h := range a.History[1:] {
		if h.Time.After(t) {
			break
		}
		st = h.Status
	}
	return st
}

// inForce reports whether a is in force at t: within its validity window and
// active at t.
func inForce(a *Accreditation, t time.Time) bool {
	return !t.Before(a.ValidFrom) && t.Before(a.ValidUntil) && statusAt(a, t) == AccreditationActive
}

// trustFacts gives accreditedRule the histories it needs.
type trustFacts interface {
	did(did string) (*didEntry, error)
	held(did string) ([]Accreditation, error)
}

// accreditedRule reports whether issuer was accredited for vct at t: its DID
// active at t, and an issuer accreditation for vct in force at t granted by
// the council, or by an accreditation body whose DID was active at t and which
// held a council accreditation-body accreditation for vct in force at t.
func accreditedRule(f trustFacts, issuer, vct string, t time.Time) (bool, error) {
	e, err := f.did(issuer)
	if err != nil {
		return false, err
	}
	if !activeAt(e, t) {
		return false, nil
	}
	held, err := f.held(issuer)
	if err != nil {
		return false, err
	}
	for i := range held {
		a := &held[i]
		if a.Role != RoleIssuer || !slices.Contains(a.VCTs, vct) || !inForce(a, t) {
			continue
		}
		if a.Accreditor == "" {
			return true, nil
		}
		be, err := f.did(a.Accreditor)
		if err != nil {
			return false, err
		}
		if !activeAt(be, t) {
			continue
		}
		bodies, err := f.held(a.Accreditor)
		if err != nil {
			return false, err
		}
		for j := range bodies {
			b := &bodies[j]
			if b.Role == RoleAccreditationBody && b.Accreditor == "" && slices.Contains(b.VCTs, vct) && inForce(b, t) {
				return true, nil
			}
		}
	}
	return false, nil
}
