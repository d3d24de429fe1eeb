package oid4vci_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/amanah-id/amanah/issuer/oid4vci"
	"github.com/amanah-id/amanah/keys"
)

// Every parser refusal is an *oid4vci.Error with a code from the protocol's list.
var codes = map[string]bool{oid4vci.ErrInvalidRequest: true, oid4vci.ErrInvalidGrant: true, oid4vci.ErrUnsupportedGrantType: true,
	oid4vci.ErrInvalidCredentialRequest: true, oid4vci.ErrUnknownCredentialConfiguration: true, oid4vci.ErrUnknownCredentialIdentifier: true,
	oid4vci.ErrInvalidProof: true, oid4vci.ErrInvalidNonce: true, oid4vci.ErrInvalidToken: true}

func checkCode(t *testing.T, err error) {
	t.Helper()
	var e *oid4vci.Error
	if !errors.As(err, &e) || !codes[e.Code] {
		t.Fatalf("refusal %v is not a stable protocol error", err)
	}
}

func TestParseTokenRequestTable(t *testing.T) {
	g := "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code"
	for _, c := range []struct{ ctype, body, want string }{
		{"application/x-www-form-urlencoded", g + "&pre-authorized_code=abc", ""},
		{"application/x-www-form-urlencoded; charset=utf-8", g + "&pre-authorized_code=abc&tx_code=123456", ""},
		{"application/json", `{"grant_type":"x"}`, oid4vci.ErrInvalidRequest},
		{"", g + "&pre-authorized_code=abc", oid4vci.ErrInvalidRequest},
		{"application/x-www-form-urlencoded", "pre-authorized_code=abc", oid4vci.ErrInvalidRequest},
		{"application/x-www-form-urlencoded", "grant_type=client_credentials", oid4vci.ErrUnsupportedGrantType},
		{"application/x-www-form-urlencoded", g, oid4vci.ErrInvalidRequest},
		{"application/x-www-form-urlencoded", g + "&pre-authorized_code=a&pre-authorized_code=b", oid4vci.ErrInvalidRequest},
		{"application/x-www-form-urlencoded", g + "&pre-authorized_code=" + strings.Repeat("a", 300), oid4vci.ErrInvalidGrant},
		{"application/x-www-form-urlencoded", g + "&pre-authorized_code=a&tx_code=" + strings.Repeat("1", 65), oid4vci.ErrInvalidRequest},
		{"application/x-www-form-urlencoded", g + "&pre-authorized_code=%zz", oid4vci.ErrInvalidRequest},
		{"application/x-www-form-urlencoded", strings.Repeat("x", oid4vci.MaxTokenRequestBytes+1), oid4vci.ErrInvalidRequest},
	} {
		_, err := oid4vci.ParseTokenRequest(c.ctype, []byte(c.body))
		if c.want == "" {
			if err != nil {
				t.Errorf("%q: %v", c.body, err)
			}
			continue
		}
		if oid4vci.CodeOf(err) != c.want {
			t.Errorf("%q: %v, want %s", c.body, err, c.want)
		}
	}
}

func TestParseCredentialRequestTable(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{"credential_configuration_id":"a","proofs":{"jwt":["x.y.z"]}}`, ""},
		{`{"credential_configuration_id":"a","proofs":{"jwt":["x.y.z","a.b.c","d.e.f"]}}`, ""},
		{`{"credential_configuration_id":"a","proofs":{"jwt":["1","2","3","4"]}}`, oid4vci.ErrInvalidCredentialRequest},
		{`{"credential_configuration_id":"a","credential_identifier":"b","proofs":{"jwt":["x"]}}`, oid4vci.ErrInvalidCredentialRequest},
		{`{"credential_identifier":"b","proofs":{"jwt":["x"]}}`, oid4vci.ErrUnknownCredentialIdentifier},
		{`{"proofs":{"jwt":["x"]}}`, oid4vci.ErrInvalidCredentialRequest},
		{`{"credential_configuration_id":7,"proofs":{"jwt":["x"]}}`, oid4vci.ErrInvalidCredentialRequest},
		{`{"credential_configuration_id":"a"}`, oid4vci.ErrInvalidProof},
		{`{"credential_configuration_id":"a","proof":{"jwt":"x"}}`, oid4vci.ErrInvalidCredentialRequest},
		{`{"credential_configuration_id":"a","proofs":{"jwt":[]}}`, oid4vci.ErrInvalidProof},
		{`{"credential_configuration_id":"a","proofs":{"ldp_vp":["x"]}}`, oid4vci.ErrInvalidProof},
		{`{"credential_configuration_id":"a","proofs":{"jwt":["x"],"attestation":["y"]}}`, oid4vci.ErrInvalidCredentialRequest},
		{`{"credential_configuration_id":"a","proofs":{"jwt":[7]}}`, oid4vci.ErrInvalidProof},
		{`{"credential_configuration_id":"a","proofs":{"jwt":["` + strings.Repeat("a", oid4vci.MaxProofJWTBytes+1) + `"]}}`, oid4vci.ErrInvalidProof},
		{`{"credential_configuration_id":"a","credential_configuration_id":"b","proofs":{"jwt":["x"]}}`, oid4vci.ErrInvalidCredentialRequest},
		{`{"credential_configuration_id":"a","credential_response_encryption":{},"proofs":{"jwt":["x"]}}`, oid4vci.ErrInvalidCredentialRequest},
		{`[]`, oid4vci.ErrInvalidCredentialRequest},
		{`{"a":` + strings.Repeat("[", 50) + strings.Repeat("]", 50) + `}`, oid4vci.ErrInvalidCredentialRequest},
	} {
		_, err := oid4vci.ParseCredentialRequest("application/json", []byte(c.body), 3)
		if c.want == "" {
			if err != nil {
				t.Errorf("%.80s: %v", c.body, err)
			}
			continue
		}
		if oid4vci.CodeOf(err) != c.want {
			t.Errorf("%.80s: %v, want %s", c.body, err, c.want)
		}
	}
}

func FuzzParseTokenRequest(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=abc&tx_code=1")
	f.Add("application/x-www-form-urlencoded", "grant_type=a&grant_type=b")
	f.Fuzz(func(t *testing.T, ctype, body string) {
		r, err := oid4vci.ParseTokenRequest(ctype, []byte(body))
		if err != nil {
			checkCode(t, err)
			return
		}
		if r.PreAuthorizedCode == "" || len(r.PreAuthorizedCode) > 256 || len(r.TxCode) > 64 {
			t.Fatalf("accepted %+v", r)
		}
	})
}

func FuzzParseCredentialRequest(f *testing.F) {
	f.Add(`{"credential_configuration_id":"a","proofs":{"jwt":["x.y.z"]}}`)
	f.Add(`{"credential_identifier":"b"}`)
	f.Add(`{"credential_configuration_id":"a","proofs":{"jwt":["1","2","3","4"]}}`)
	f.Fuzz(func(t *testing.T, body string) {
		r, err := oid4vci.ParseCredentialRequest("application/json", []byte(body), 3)
		if err != nil {
			checkCode(t, err)
			return
		}
		if r.CredentialConfigurationID == "" || len(r.ProofJWTs) == 0 || len(r.ProofJWTs) > 3 {
			t.Fatalf("accepted %+v", r)
		}
	})
}

// Proof JWTs are attacker-chosen: every refusal is invalid_proof or invalid_nonce.
func FuzzVerifyProofJWT(f *testing.F) {
	k, _ := keys.Generate(keys.Ed25519)
	good, _ := oid4vci.SignProof(context.Background(), k, oid4vci.ProofClaims{Aud: "https://i.example", Iat: 1_800_000_000, Nonce: "n"})
	f.Add(good)
	f.Add("e30.e30.AAAA")
	f.Fuzz(func(t *testing.T, compact string) {
		p, err := oid4vci.VerifyProofJWT(compact, oid4vci.ProofCheck{Audience: "https://i.example", Now: time.Unix(1_800_000_000, 0)})
		if err != nil {
			if c := oid4vci.CodeOf(err); c != oid4vci.ErrInvalidProof && c != oid4vci.ErrInvalidNonce {
				t.Fatalf("refusal %v", err)
			}
			return
		}
		if p.Nonce == "" || p.Key.IsZero() {
			t.Fatalf("accepted %+v", p)
		}
	})
}

func FuzzParseOfferURI(f *testing.F) {
	f.Add(`openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fi.example%2Foffers%2F1`)
	f.Add(`openid-credential-offer://?credential_offer=%7B%22credential_issuer%22%3A%22x%22%7D`)
	f.Fuzz(func(t *testing.T, s string) {
		o, ref, err := oid4vci.ParseOfferURI(s)
		if err != nil {
			checkCode(t, err)
			return
		}
		if (o == nil) == (ref == "") {
			t.Fatalf("offer %v and reference %q", o, ref)
		}
	})
}
