package sdjwt_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/keys"
)

// TestExpanded: every disclosure (nested objects, array elements) is applied, the SD-JWT
// machinery (_sd, _sd_alg, decoys) is gone, and a disclosure left out of a presentation is
// missing from its expansion.
func TestExpanded(t *testing.T) {
	claims := map[string]any{"given_name": "Aisyah", "address": map[string]any{"locality": "Shah Alam", "country": "MY"},
		"nationalities": []any{"MY", "SG"}}
	payload, ds, err := sdjwt.Conceal(claims, sdjwt.ConcealOptions{Visible: []string{"iss"}, MaxDecoys: 3})
	if err != nil {
		t.Fatal(err)
	}
	payload["iss"] = "did:amanah:test:issuer"
	k, _ := keys.Generate(keys.Ed25519)
	s, err := sdjwt.Issue(context.Background(), jws.NewKeySigner(k), map[string]any{"typ": "dc+sd-jwt"}, payload, ds)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := sdjwt.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"iss": "did:amanah:test:issuer", "given_name": "Aisyah",
		"address": map[string]any{"locality": "Shah Alam", "country": "MY"}, "nationalities": []any{"MY", "SG"}}
	if got := sd.Expanded(); !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		t.Fatalf("expanded %s", g)
	}
	// Without the given_name disclosure: not in the expansion.
	var kept []sdjwt.Disclosure
	for _, d := range sd.Disclosures {
		if d.Name != "given_name" {
			kept = append(kept, d)
		}
	}
	sd.Disclosures = kept
	if _, ok := sd.Expanded()["given_name"]; ok {
		t.Fatal("an undisclosed claim is in the expansion")
	}
}
