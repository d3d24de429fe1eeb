package sdjwtvc_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
)

var registered = map[string]bool{"iss": true, "vct": true, "iat": true, "nbf": true, "exp": true, "cnf": true, "status": true}

func personal(t *testing.T, claims map[string]any) map[string]any {
	t.Helper()
	out := map[string]any{}
	for k, v := range claims {
		if !registered[k] {
			out[k] = v
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var norm map[string]any
	if err := json.Unmarshal(b, &norm); err != nil {
		t.Fatal(err)
	}
	return norm
}

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		name  string
		paths []string
		want  string // JSON of the disclosed personal claims
	}{
		{"nothing", nil, `{}`},
		{"predicate", []string{"age_over_18"}, `{"age_over_18":true}`},
		{"predicates", []string{"age_over_18", "age_over_21"}, `{"age_over_18":true,"age_over_21":false}`},
		{"flat+nested", []string{"given_name", "address.locality"}, `{"given_name":"Siti","address":{"locality":"Kuala Lumpur"}}`},
		{"whole object", []string{"address"}, `{"address":{"street_address":"12 Jalan Ampang","locality":"Kuala Lumpur","country":"MY"}}`},
		{"array element", []string{"nationalities.1"}, `{"nationalities":["SG"]}`},
		{"array", []string{"nationalities"}, `{"nationalities":["MY","SG"]}`},
		{"array container only", []string{"nationalities", "family_name"}, `{"nationalities":["MY","SG"],"family_name":"Aminah"}`},
	}
	for _, c := range []keys.Curve{keys.Ed25519, keys.P256, keys.Secp256k1} {
		t.Run(string(c), func(t *testing.T) {
			f := newFixture(t, c)
			issued := f.issue(t)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					res, err := f.verify(f.present(t, issued, tc.paths...))
					if err != nil {
						t.Fatal(err)
					}
					var want map[string]any
					if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
						t.Fatal(err)
					}
					if got := personal(t, res.Claims); !reflect.DeepEqual(got, want) {
						t.Fatalf("claims %v, want %v", got, want)
					}
					if res.Issuer != issuerDID || res.KeyID != issuerKID || res.VCT != testVCT || !res.KeyBound {
						t.Fatalf("result %+v", res)
					}
					if !res.IssuedAt.Equal(t0) || !res.ExpiresAt.Equal(t0.Add(365*24*time.Hour)) {
						t.Fatalf("times %v %v", res.IssuedAt, res.ExpiresAt)
					}
					if res.Status == nil || *res.Status != (sdjwtvc.StatusRef{Index: 4711, URI: statusURI}) {
						t.Fatalf("status %+v", res.Status)
					}
					if !res.HolderKey.Equal(f.holderKey.Public()) {
						t.Fatal("holder key differs")
					}
				})
			}
		})
	}
}

// TestMixedCurves binds credentials of one curve to holder keys of another.
func TestMixedCurves(t *testing.T) {
	pairs := [][2]keys.Curve{{keys.Ed25519, keys.P256}, {keys.P256, keys.Secp256k1}, {keys.Secp256k1, keys.Ed25519}}
	for _, pc := range pairs {
		f := newFixture(t, pc[0], pc[1])
		res, err := f.verify(f.present(t, f.issue(t), "age_over_21", "address.country"))
		if err != nil {
			t.Fatalf("%v: %v", pc, err)
		}
		want := map[string]any{"age_over_21": false, "address": map[string]any{"country": "MY"}}
		if got := personal(t, res.Claims); !reflect.DeepEqual(got, want) {
			t.Fatalf("%v: %v", pc, got)
		}
	}
}

func TestIssuedShape(t *testing.T) {
	f := newFixture(t, keys.Ed25519)
	sd, err := sdjwt.Parse(f.issue(t))
	if err != nil {
		t.Fatal(err)
	}
	if sd.Header["typ"] != sdjwtvc.TypDC || sd.Header["kid"] != issuerKID || sd.Header["alg"] != "EdDSA" {
		t.Fatalf("header %v", sd.Header)
	}
	for _, k := range []string{"iss", "vct", "iat", "exp", "cnf", "status", "_sd", "_sd_alg"} {
		if _, ok := sd.Payload[k]; !ok {
			t.Fatalf("payload lacks %s: %v", k, sd.Payload)
		}
	}
	for _, k := range []string{"given_name", "birthdate", "address", "age_over_18"} {
		if _, ok := sd.Payload[k]; ok {
			t.Fatalf("personal claim %s in plain text", k)
		}
	}
	// Digests are sorted and the top-level _sd has 10 claims plus 0..3 decoys.
	sds := sd.Payload["_sd"].([]any)
	if len(sds) < 10 || len(sds) > 13 {
		t.Fatalf("%d top-level digests", len(sds))
	}
	for i := 1; i < len(sds); i++ {
		if sds[i-1].(string) >= sds[i].(string) {
			t.Fatal("digests not sorted")
		}
	}
	want := []string{"address", "address.country", "address.locality", "address.street_address", "age_over_18", "age_over_21",
		"birthdate", "document_number", "email", "family_name", "given_name", "nationalities", "nationalities.0", "nationalities.1", "nationality"}
	if got := sd.Paths(); !reflect.DeepEqual(got, want) {
		t.Fatalf("paths %v", got)
	}
	for _, d := range sd.Disclosures {
		if len(d.Salt) != 22 { // 16 bytes base64url
			t.Fatalf("salt %q", d.Salt)
		}
	}
	if _, err := sd.Select("no_such_claim"); err == nil {
		t.Fatal("selecting a missing claim succeeded")
	}
}

func TestAgePredicates(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	check := func(birth string, at time.Time, want18, want21 bool) {
		t.Helper()
		p, err := sdjwtvc.AgePredicates(birth, at, []int{18, 21})
		if err != nil {
			t.Fatal(err)
		}
		if p["age_over_18"] != want18 || p["age_over_21"] != want21 {
			t.Fatalf("%s at %s: %v", birth, at.Format(time.DateOnly), p)
		}
	}
	check("2008-03-01", at, true, false)  // 18th birthday today
	check("2008-03-02", at, false, false) // tomorrow
	check("2005-02-28", at, true, true)
	check("2008-02-29", at, true, false) // leap-day birth: of age on 1 March
	check("2008-02-29", at.AddDate(0, 0, -1), false, false)
	if _, err := sdjwtvc.AgePredicates("17/08/2006", at, []int{18}); err == nil {
		t.Fatal("bad date accepted")
	}
}

func TestVerifyIssued(t *testing.T) {
	f := newFixture(t, keys.P256)
	issued := f.issue(t)
	res, err := f.verifier.VerifyIssued(context.Background(), issued)
	if err != nil {
		t.Fatal(err)
	}
	if len(personal(t, res.Claims)) != 10 || res.KeyBound {
		t.Fatalf("claims %v", res.Claims)
	}
	// A presentation (with KB-JWT) is not an issuance.
	if _, err := f.verifier.VerifyIssued(context.Background(), f.present(t, issued, "email")); sdjwt.ReasonOf(err) != sdjwt.ReasonMalformed {
		t.Fatalf("got %v", err)
	}
}
