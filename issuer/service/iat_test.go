package service_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/issuer/oid4vci"
	"github.com/amanah-id/amanah/issuer/registry"
	"github.com/amanah-id/amanah/issuer/service"
)

// issued is what a test reads from one issued credential.
type issued struct {
	iat, exp int64
	nbf      bool
	claims   map[string]any // disclosed claims by name
	payload  map[string]any
}

// issueAt runs one whole issuance (offer, token, nonce, batch request) with the service's
// clock at now; proofs are signed for now too.
func (e *env) issueAt(now time.Time, record string, batch int) []issued {
	e.t.Helper()
	e.now = now
	o := e.offer(record, false, batch)
	tok := e.accessToken(o)
	n := e.nonce()
	var proofs []string
	for _, k := range newKeys(e.t, batch) {
		proofs = append(proofs, proof(e.t, k, oid4vci.ProofClaims{Aud: e.srv.URL, Iat: now.Unix(), Nonce: n}))
	}
	st, m := e.post("/credential", "application/json", credReq("national_id", proofs...), tok)
	if st != 200 {
		e.t.Fatalf("credential at %s: %d %v", now, st, m)
	}
	var out []issued
	for _, c := range m["credentials"].([]any) {
		s := c.(map[string]any)["credential"].(string)
		tk, err := jws.Parse(strings.SplitN(s, "~", 2)[0], nil)
		if err != nil {
			e.t.Fatal(err)
		}
		sd, err := sdjwt.Parse(s)
		if err != nil {
			e.t.Fatal(err)
		}
		var p map[string]any
		if err := json.Unmarshal(tk.Payload, &p); err != nil {
			e.t.Fatal(err)
		}
		is := issued{iat: int64(p["iat"].(float64)), exp: int64(p["exp"].(float64)), payload: p, claims: map[string]any{}}
		_, is.nbf = p["nbf"]
		for _, d := range sd.Disclosures {
			is.claims[d.Name] = d.Value
		}
		out = append(out, is)
	}
	if len(out) != batch {
		e.t.Fatalf("%d credentials for a batch of %d", len(out), batch)
	}
	return out
}

// Every credential signed on one UTC day carries the same iat (the day's start) and exp, in
// one batch and across batches; none carries the per-second issuance time, the batch id or a
// credential id.
func TestIssuanceTimeSharedByTheDay(t *testing.T) {
	e := newEnv(t, nil)
	day := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	t1 := day.Add(9*time.Hour + 13*time.Minute + 7*time.Second)
	t2 := day.Add(17*time.Hour + 2*time.Minute + 41*time.Second)
	a := e.issueAt(t1, "880412-14-5566", 4)
	b := e.issueAt(t2, "880412-14-5566", 2)
	wantExp := day.Add(365 * 24 * time.Hour).Unix()
	for i, c := range append(a, b...) {
		if c.iat != day.Unix() || c.exp != wantExp {
			t.Errorf("credential %d: iat %d exp %d, want the day's start %d and %d", i, c.iat, c.exp, day.Unix(), wantExp)
		}
		if c.iat == t1.Unix() || c.iat == t2.Unix() || c.exp == t1.Add(365*24*time.Hour).Unix() {
			t.Errorf("credential %d carries the per-second issuance time", i)
		}
		if c.nbf {
			t.Errorf("credential %d has nbf", i)
		}
	}
	// No per-batch or per-credential record value is in a signed credential.
	bs, err := e.store.Batches("", 10)
	if err != nil || len(bs) != 2 {
		t.Fatalf("batches: %v %d", err, len(bs))
	}
	for _, c := range append(a, b...) {
		p, _ := json.Marshal(c.payload)
		for _, bt := range bs {
			for _, v := range []string{bt.ID, strings.SplitN(bt.ID, "-", 2)[0], fmt.Sprint(bt.Issued.Unix())} {
				if strings.Contains(string(p), v) {
					t.Errorf("batch value %q in a credential: %s", v, p)
				}
			}
			for _, rc := range bt.Credentials {
				if strings.Contains(string(p), strings.TrimPrefix(rc.ID, "urn:uuid:")) {
					t.Errorf("credential id %s in a credential", rc.ID)
				}
			}
		}
	}
	// The next day is another window.
	next := e.issueAt(day.Add(24*time.Hour+time.Minute), "880412-14-5566", 1)
	if next[0].iat != day.Add(24*time.Hour).Unix() {
		t.Errorf("next day's iat %d, want %d", next[0].iat, day.Add(24*time.Hour).Unix())
	}
}

// The issuer's standing began today (key added, accreditation granted or reinstated): iat is
// the standing start, rounded up to a second, shared by the rest of the day's credentials.
func TestIssuanceTimeClampedToStanding(t *testing.T) {
	e := newEnv(t, nil)
	day := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	standing := day.Add(10*time.Hour + 30*time.Minute + 500*time.Millisecond)
	e.ledger.StandingStart = standing
	a := e.issueAt(day.Add(11*time.Hour), "880412-14-5566", 2)
	b := e.issueAt(day.Add(23*time.Hour), "880412-14-5566", 3)
	want := day.Add(10*time.Hour + 30*time.Minute + time.Second)
	for i, c := range append(a, b...) {
		if c.iat != want.Unix() || c.exp != want.Add(365*24*time.Hour).Unix() {
			t.Errorf("credential %d: iat %s, want the standing start %s", i, time.Unix(c.iat, 0).UTC(), want)
		}
	}
	// A standing start before the day: the day's start.
	e.ledger.StandingStart = day.Add(-3 * time.Hour)
	if c := e.issueAt(day.Add(5*time.Hour), "880412-14-5566", 1); c[0].iat != day.Unix() {
		t.Errorf("iat %s, want the day's start", time.Unix(c[0].iat, 0).UTC())
	}
	for _, c := range []struct{ now, standing, want time.Time }{
		{day.Add(time.Hour), time.Time{}, day},
		{day.Add(time.Hour), day, day},
		{day.Add(time.Hour), day.Add(time.Minute), day.Add(time.Minute)},
		{day.Add(time.Hour), day.Add(time.Minute + time.Nanosecond), day.Add(time.Minute + time.Second)},
		{day.Add(time.Hour).In(time.FixedZone("MYT", 8*3600)), time.Time{}, day}, // the UTC day, whatever the zone
	} {
		if got := service.IssuanceTime(c.now, c.standing); !got.Equal(c.want) {
			t.Errorf("IssuanceTime(%s, %s) = %s, want %s", c.now, c.standing, got, c.want)
		}
	}
}

// Age predicates are computed at the real issuance time, not at the coarse iat: a citizen who
// turns 18 today is over 18 in a credential issued today (iat = 00:00 UTC), and one who turns
// 18 tomorrow is not.
func TestAgePredicatesAtIssuance(t *testing.T) {
	day := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	reg, err := registry.ParseJSON([]byte(`{
 "today": {"given_name": "A", "family_name": "B", "birthdate": "2008-12-04", "nationality": "MY"},
 "tomorrow": {"given_name": "C", "family_name": "D", "birthdate": "2008-12-05", "nationality": "MY"}}`))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *service.Config) { c.Registry = reg })
	for _, c := range []struct {
		record string
		want   bool
	}{{"today", true}, {"tomorrow", false}} {
		got := e.issueAt(day.Add(15*time.Hour), c.record, 1)[0]
		if got.iat != day.Unix() {
			t.Fatalf("iat %d", got.iat)
		}
		if got.claims["age_over_18"] != c.want || got.claims["age_over_21"] != false {
			t.Errorf("%s: age_over_18 %v age_over_21 %v, want %v false", c.record, got.claims["age_over_18"], got.claims["age_over_21"], c.want)
		}
	}
}
