package types_test

import (
	"sort"
	"testing"
	"time"

	"github.com/amanah-id/amanah/x/trust/types"
)

// FuzzValidateSchema checks that schema validation never panics, never accepts input over the
// bound, and returns the sorted, non-empty claim names SchemaClaims also finds.
func FuzzValidateSchema(f *testing.F) {
	f.Add(`{"type":"object","properties":{"given_name":{"type":"string"},"age_over_18":{"type":"boolean"}}}`)
	f.Add(`{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"a":{"$ref":"#/$defs/x"}},"$defs":{"x":{"type":"string"}}}`)
	f.Add(`{"type":"object","properties":{"a":{"$ref":"https://evil.example/a.json"}}}`)
	f.Add(`{"type":"object","properties":{"a":{"type":"strin"}}}`)
	f.Add(`{"type":"object","properties":{"a":{"pattern":"(["}}}`)
	f.Add(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`)
	f.Add(`{"type":"object","properties":{}}`)
	f.Fuzz(func(t *testing.T, schema string) {
		claims, err := types.ValidateSchema(schema)
		if err != nil {
			return
		}
		if len(schema) > types.MaxSchemaBytes {
			t.Fatalf("accepted %d bytes", len(schema))
		}
		if len(claims) == 0 || !sort.StringsAreSorted(claims) {
			t.Fatalf("claims %v", claims)
		}
		again, err := types.SchemaClaims(schema)
		if err != nil || len(again) != len(claims) {
			t.Fatalf("SchemaClaims %v, %v; ValidateSchema %v", again, err, claims)
		}
	})
}

// FuzzAccreditPayload checks that payload validation never panics on arbitrary wire bytes and
// that an accepted payload keeps its invariants.
func FuzzAccreditPayload(f *testing.F) {
	good := types.AccreditPayload{Id: "nrd-jpn", Accreditor: "did:amanah:test:nrd", Accredited: "did:amanah:test:jpn",
		Role: types.ROLE_ISSUER, Vcts: []string{types.NationalIDVCT},
		ValidFrom: time.Unix(1_780_000_000, 0).UTC(), ValidUntil: time.Unix(1_840_000_000, 0).UTC()}
	bz, err := good.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(bz)
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		var p types.AccreditPayload
		if err := p.Unmarshal(b); err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			return
		}
		if !p.ValidUntil.After(p.ValidFrom) || len(p.Vcts) == 0 || p.Accredited == p.Accreditor {
			t.Fatalf("accepted %+v", p)
		}
	})
}

// FuzzRelyingPartyPayload checks relying-party payload validation on arbitrary wire bytes.
func FuzzRelyingPartyPayload(f *testing.F) {
	good := types.RelyingPartyPayload{Did: "did:amanah:test:bank", LegalName: "Bank Amanah Berhad", RegistrationNumber: "199001012345",
		Permissions: []types.ClaimPermission{{Vct: types.NationalIDVCT, Claims: []string{"age_over_18", "given_name"}}},
		Status:      types.RELYING_PARTY_STATUS_ACTIVE, Version: 1, Audiences: []string{"https://checkout.bank.example"}}
	bz, err := good.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(bz)
	f.Add([]byte{0x22, 0x00})
	good.Audiences = nil
	if bz, err = good.Marshal(); err != nil {
		f.Fatal(err)
	}
	f.Add(bz)
	f.Fuzz(func(t *testing.T, b []byte) {
		var p types.RelyingPartyPayload
		if err := p.Unmarshal(b); err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			return
		}
		for _, perm := range p.Permissions {
			if len(perm.Claims) == 0 {
				t.Fatalf("accepted empty claims for %s", perm.Vct)
			}
		}
		if p.Status == types.RELYING_PARTY_STATUS_ACTIVE && len(p.Audiences) == 0 || len(p.Audiences) > types.MaxAudiences {
			t.Fatalf("accepted %d audiences with status %s", len(p.Audiences), p.Status)
		}
	})
}

// FuzzCredentialTypePayload checks credential-type payload validation on arbitrary wire bytes.
func FuzzCredentialTypePayload(f *testing.F) {
	good := types.CredentialTypePayload{Vct: types.NationalIDVCT, Version: 1, DisplayName: "National ID",
		Schema: `{"type":"object","properties":{"given_name":{"type":"string"}}}`, SelectivelyDisclosable: []string{"given_name"}}
	bz, err := good.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(bz)
	f.Fuzz(func(t *testing.T, b []byte) {
		var p types.CredentialTypePayload
		if err := p.Unmarshal(b); err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			return
		}
		if p.Version == 0 || len(p.Schema) > types.MaxSchemaBytes {
			t.Fatalf("accepted %+v", p)
		}
	})
}

// FuzzRecognizeLedger: Validate never panics on any message, and a message it accepts has a
// chain id, a did network, a 32-byte trust root hash and at least one type.
func FuzzRecognizeLedger(f *testing.F) {
	f.Add("amanah-th", "th", int64(1), []byte("0123456789abcdef0123456789abcdef"), int64(86400), "https://th.example/id", "", "given_name")
	f.Add("", "", int64(0), []byte{}, int64(0), "", "", "")
	f.Add("a b", "TH", int64(-1), []byte{1}, int64(1<<62), "x", "y", "iss")
	f.Fuzz(func(t *testing.T, chain, network string, h int64, hash []byte, period int64, fvct, lvct, claim string) {
		m := types.MsgRecognizeLedger{ChainId: chain, Version: 1, DidNetwork: network,
			TrustRoot: types.LightClientTrustRoot{Height: h, HeaderHash: hash, TrustingPeriodSeconds: period},
			Types:     []types.RecognisedType{{ForeignVct: fvct, LocalVct: lvct, Claims: []string{claim}}}}
		if m.Validate() == nil && (chain == "" || network == "" || len(hash) != 32 || h <= 0) {
			t.Fatalf("accepted %+v", m)
		}
	})
}
