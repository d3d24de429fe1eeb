package service

import (
	"maps"
	"time"

	"github.com/amanah-id/amanah/credential/sdjwtvc"
)

// IssuanceTime is the iat the issuer writes into every credential it signs at now: the start
// of now's UTC day, or the issuer's standing start (chainledger.Ledger.Standing) when that is
// later, rounded up to a whole second. Every credential of the day (since the standing start)
// carries the same iat and exp = iat + ValidFor, so the timestamps link a presentation to
// the whole day's issuance, not to one batch. It is never before the standing start: the
// verifier checks the issuer's key and accreditation chain at iat, and nothing it checks
// changed between the standing start and now.
func IssuanceTime(now, standing time.Time) time.Time {
	now = now.UTC()
	t := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if standing.After(t) {
		t = standing.UTC()
		if t.Nanosecond() != 0 { // iat is whole seconds: round up, never before the standing start
			t = t.Truncate(time.Second).Add(time.Second)
		}
	}
	return t
}

// withAgePredicates returns the claims with the age_over_N predicates of their birthdate as
// of now (the real issuance time, not the coarse iat; a claim of the record wins), so a
// citizen whose birthday is today is judged on today's date whatever iat says.
func withAgePredicates(claims map[string]any, now time.Time) (map[string]any, error) {
	bd, ok := claims["birthdate"].(string)
	if !ok {
		return claims, nil
	}
	preds, err := sdjwtvc.AgePredicates(bd, now, sdjwtvc.DefaultAgeThresholds)
	if err != nil {
		return nil, err
	}
	out := maps.Clone(claims)
	for k, v := range preds {
		if _, clash := out[k]; !clash {
			out[k] = v
		}
	}
	return out, nil
}
