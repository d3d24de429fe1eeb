package chainledger_test

import (
	"testing"
	"time"

	"github.com/amanah-id/amanah/issuer/chainledger"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// An accreditation's standing changed at its last status change or at a validity bound
// already reached; a bound still ahead changes nothing yet.
func TestAccreditationChanged(t *testing.T) {
	day := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	now := day.Add(12 * time.Hour)
	h := func(ts ...time.Duration) []trusttypes.StatusChange {
		var out []trusttypes.StatusChange
		for _, d := range ts {
			out = append(out, trusttypes.StatusChange{Status: 1, Time: day.Add(d)})
		}
		return out
	}
	for _, c := range []struct {
		name string
		a    trusttypes.Accreditation
		want time.Time
	}{
		{"granted last year", trusttypes.Accreditation{ValidFrom: day.AddDate(-1, 0, 0), ValidUntil: day.AddDate(1, 0, 0), History: h(-365 * 24 * time.Hour)}, day.AddDate(-1, 0, 0)},
		{"reinstated today", trusttypes.Accreditation{ValidFrom: day.AddDate(-1, 0, 0), ValidUntil: day.AddDate(1, 0, 0), History: h(-365*24*time.Hour, -time.Hour, 9*time.Hour)}, day.Add(9 * time.Hour)},
		{"backdated grant", trusttypes.Accreditation{ValidFrom: day.AddDate(-1, 0, 0), ValidUntil: day.AddDate(1, 0, 0), History: h(8 * time.Hour)}, day.Add(8 * time.Hour)},
		{"window opened today", trusttypes.Accreditation{ValidFrom: day.Add(10 * time.Hour), ValidUntil: day.AddDate(1, 0, 0), History: h(-48 * time.Hour)}, day.Add(10 * time.Hour)},
		{"window closed today", trusttypes.Accreditation{ValidFrom: day.AddDate(-1, 0, 0), ValidUntil: day.Add(11 * time.Hour), History: h(-48 * time.Hour)}, day.Add(11 * time.Hour)},
		{"window opens later", trusttypes.Accreditation{ValidFrom: day.Add(13 * time.Hour), ValidUntil: day.AddDate(1, 0, 0), History: h(-48 * time.Hour)}, day.Add(-48 * time.Hour)},
	} {
		if got := chainledger.AccreditationChanged(c.a, now); !got.Equal(c.want) {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	as := []trusttypes.Accreditation{{Id: "a", Role: trusttypes.ROLE_ISSUER, Vcts: []string{"x", "y"}},
		{Id: "b", Role: trusttypes.ROLE_ISSUER, Vcts: []string{"z"}}, {Id: "c", Role: trusttypes.ROLE_ACCREDITATION_BODY, Vcts: []string{"y"}}}
	if r := chainledger.Relevant(as, trusttypes.ROLE_ISSUER, "y"); len(r) != 1 || r[0].Id != "a" {
		t.Errorf("relevant: %+v", r)
	}
}
