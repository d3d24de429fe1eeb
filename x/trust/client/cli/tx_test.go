package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/keys"
)

// TestReadParty: the relying party's own key and method for register-rp, required for an
// active registration, both or neither otherwise, and the method must be the party's own.
func TestReadParty(t *testing.T) {
	const did = "did:amanah:local:7Q1yq4ZVr3qMGEe1wpxXJu"
	dir := t.TempDir()
	priv, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	jwk, err := priv.JWK()
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "party.jwk")
	bad := filepath.Join(dir, "bad.jwk")
	if err := os.WriteFile(good, jwk, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(`{"kty":"OKP"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, key, method string
		required          bool
		wantErr           string // "" = accepted
		wantSigner        bool
	}{
		{name: "active, signed by the party", key: good, method: did + "#key-1", required: true, wantSigner: true},
		{name: "suspension without the party", required: false},
		{name: "suspension, party signs anyway", key: good, method: did + "#key-1", wantSigner: true},
		{name: "active without the party", required: true, wantErr: "are required: an active registration is signed by the relying party"},
		{name: "key without method", key: good, required: true, wantErr: "are required"},
		{name: "method without key", method: did + "#key-1", wantErr: "are required"},
		{name: "method is not a DID URL", key: good, method: "key-1", required: true, wantErr: "is not a DID URL with a fragment"},
		{name: "method without fragment", key: good, method: did, required: true, wantErr: "is not a DID URL with a fragment"},
		{name: "another DID's method", key: good, method: "did:amanah:local:5Jm2ZQnMxv1WWY9cS8Rm7n#key-1", required: true, wantErr: "is not a method of the relying party"},
		{name: "key file missing", key: filepath.Join(dir, "none.jwk"), method: did + "#key-1", required: true, wantErr: "--rp-key"},
		{name: "key file not a private JWK", key: bad, method: did + "#key-1", required: true, wantErr: "--rp-key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := RegisterRPCmd()
			if tc.key != "" {
				if err := cmd.Flags().Set(FlagRPKey, tc.key); err != nil {
					t.Fatal(err)
				}
			}
			if tc.method != "" {
				if err := cmd.Flags().Set(FlagRPMethod, tc.method); err != nil {
					t.Fatal(err)
				}
			}
			p, err := readParty(cmd, did, tc.required)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (p.key != nil) != tc.wantSigner {
				t.Fatalf("signer %v, want %v", p.key != nil, tc.wantSigner)
			}
			if tc.wantSigner && (p.method != tc.method || !p.key.Equal(priv)) {
				t.Fatalf("party %q key %v", p.method, p.key)
			}
		})
	}
}

func TestParseForeign(t *testing.T) {
	cmd := &cobra.Command{}
	cmd.Flags().StringArray(FlagForeign, nil, "")
	for _, v := range []string{"amanah-th=https://th.example/id?x=1=given_name,age_over_18"} {
		if err := cmd.Flags().Set(FlagForeign, v); err != nil {
			t.Fatal(err)
		}
	}
	got, err := parseForeign(cmd)
	if err != nil || len(got) != 1 || got[0].ChainId != "amanah-th" || got[0].Vct != "https://th.example/id?x=1" ||
		strings.Join(got[0].Claims, ",") != "given_name,age_over_18" {
		t.Fatalf("%+v %v", got, err)
	}
	for _, bad := range []string{"amanah-th", "amanah-th=vct", "=x", "a==c"} {
		c := &cobra.Command{}
		c.Flags().StringArray(FlagForeign, nil, "")
		_ = c.Flags().Set(FlagForeign, bad)
		if _, err := parseForeign(c); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
