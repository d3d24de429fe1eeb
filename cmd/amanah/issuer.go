package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/jsonstrict"
)

func newIssuerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "issuer",
		Short: "Issue SD-JWT VCs as an issuer agency",
	}
	cmd.AddCommand(newIssuerIssueCmd())
	return cmd
}

type issueFlags struct {
	key, kid, iss, vct, claims, holder, statusURI, out string
	statusIndex                                        int64
	validFor                                           time.Duration
	force                                              bool
}

func newIssuerIssueCmd() *cobra.Command {
	var f issueFlags
	cmd := &cobra.Command{
		Use:   "issue --key issuer.jwk --kid <did url> --iss <did> --vct <uri> --claims claims.json --holder holder.jwk --status-uri <uri> --status-index N",
		Short: "Issue an SD-JWT VC with every personal claim selectively disclosable",
		Long: `Issue an SD-JWT VC (typ dc+sd-jwt) signed with the issuer's assertionMethod key.
claims.json is a JSON object of personal claims (given_name, family_name,
birthdate "YYYY-MM-DD", nationality, address{...}, ...); each one, recursively,
becomes a selectively disclosable claim, and a birthdate adds age_over_18 and
age_over_21. --holder is the holder's public JWK (or private JWK, or did:jwk,
as a file or the did:jwk string itself), written as cnf.jwk.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runIssue(cmd, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.key, "key", "", "issuer private JWK file (required)")
	fl.StringVar(&f.kid, "kid", "", "DID URL of the issuer's assertionMethod key, <iss>#<fragment> (required)")
	fl.StringVar(&f.iss, "iss", "", "issuer DID (required)")
	fl.StringVar(&f.vct, "vct", "", "credential type URI (required)")
	fl.StringVar(&f.claims, "claims", "", "JSON file of personal claims (required)")
	fl.StringVar(&f.holder, "holder", "", "holder key: JWK file or did:jwk (required)")
	fl.StringVar(&f.statusURI, "status-uri", "", "status list URI (required)")
	fl.Int64Var(&f.statusIndex, "status-index", -1, "index of the credential in the status list (required)")
	fl.DurationVar(&f.validFor, "valid-for", 8760*time.Hour, "validity period (exp = now + valid-for)")
	fl.StringVar(&f.out, "out", "", "write the credential to this file (0600) instead of stdout")
	fl.BoolVar(&f.force, "force", false, "replace an existing --out file")
	return cmd
}

func runIssue(cmd *cobra.Command, f *issueFlags) error {
	var missing []string
	for _, m := range []struct{ name, v string }{
		{"--key", f.key}, {"--kid", f.kid}, {"--iss", f.iss}, {"--vct", f.vct},
		{"--claims", f.claims}, {"--holder", f.holder}, {"--status-uri", f.statusURI},
	} {
		if m.v == "" {
			missing = append(missing, m.name)
		}
	}
	if !cmd.Flags().Changed("status-index") {
		missing = append(missing, "--status-index")
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing required flag(s): %s", strings.Join(missing, ", "))
	}
	if _, err := didcore.ParseDID(f.iss); err != nil {
		return fmt.Errorf("--iss %q is not a DID: %w", f.iss, err)
	}
	if _, err := didcore.ParseDIDURL(f.kid); err != nil || !strings.HasPrefix(f.kid, f.iss+"#") || len(f.kid) == len(f.iss)+1 {
		return fmt.Errorf("--kid %q must be a DID URL of the issuer, %s#<fragment>", f.kid, f.iss)
	}
	if !isURI(f.vct) {
		return fmt.Errorf("--vct %q is not a URI", f.vct)
	}
	if !isURI(f.statusURI) {
		return fmt.Errorf("--status-uri %q is not a URI", f.statusURI)
	}
	if f.statusIndex < 0 {
		return fmt.Errorf("--status-index must be >= 0, got %d", f.statusIndex)
	}
	if f.validFor <= 0 {
		return fmt.Errorf("--valid-for must be positive, got %s", f.validFor)
	}
	priv, err := loadPrivateKey(f.key)
	if err != nil {
		return err
	}
	holder, err := loadPublicKey("holder", f.holder)
	if err != nil {
		return err
	}
	raw, err := readFile("claims", f.claims, maxClaimsFile)
	if err != nil {
		return err
	}
	claims, err := jsonstrict.DecodeObject(raw, jsonstrict.Limits{})
	if err != nil {
		return fmt.Errorf("claims: %s is not a JSON object: %w", f.claims, err)
	}
	if len(claims) == 0 {
		return fmt.Errorf("claims: %s holds no claims", f.claims)
	}
	if bd, ok := claims["birthdate"]; ok {
		s, ok := bd.(string)
		if !ok {
			return errors.New(`claims: birthdate must be a string "YYYY-MM-DD"`)
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return fmt.Errorf(`claims: birthdate %q is not a date "YYYY-MM-DD"`, s)
		}
	}
	now := time.Now()
	is := &sdjwtvc.Issuer{DID: f.iss, KeyID: f.kid, Signer: jws.NewKeySigner(priv), Now: func() time.Time { return now }}
	sd, err := is.Issue(context.Background(), sdjwtvc.Credential{
		VCT:     f.vct,
		Claims:  claims,
		Holder:  holder,
		Status:  &sdjwtvc.StatusRef{Index: uint64(f.statusIndex), URI: f.statusURI},
		Expires: now.Add(f.validFor),
	})
	if err != nil {
		return fmt.Errorf("issue: %w", err)
	}
	return writeOutput(cmd, f.out, []byte(sd+"\n"), f.force)
}

// isURI reports whether s looks like an absolute URI: scheme ":" rest, no
// whitespace or control characters.
func isURI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i < 1 || i == len(s)-1 {
		return false
	}
	for j, r := range s {
		if r <= ' ' || r == 0x7f {
			return false
		}
		if j < i && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || j > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}
