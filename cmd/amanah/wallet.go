package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/cmd/amanah/internal/wallet"
	"github.com/amanah-id/amanah/credential/jws"
	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
)

// minPassphrase is the shortest passphrase wallet init accepts.
const minPassphrase = 8

type walletFlags struct {
	path, passphraseFile string
}

func defaultWalletPath() string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return filepath.Join(".amanah", "wallet.json")
	}
	return filepath.Join(home, ".amanah", "wallet.json")
}

func newWalletCmd(e *env) *cobra.Command {
	wf := &walletFlags{}
	cmd := &cobra.Command{
		Use:   "wallet",
		Short: "Keep SD-JWT VCs in an encrypted local wallet and present them",
		Long: `The wallet is one file (default ~/.amanah/wallet.json, mode 0600) encrypted
with AES-256-GCM under a key derived from a passphrase with scrypt
(N=2^17, r=8, p=1; a wallet written with a lower cost is re-encrypted
at this one the next time it is saved). It holds the holder key (created by init) and the
credentials. The passphrase comes from --passphrase-file, else
$` + passphraseEnv + `, else a terminal prompt.`,
	}
	cmd.PersistentFlags().StringVar(&wf.path, "wallet", defaultWalletPath(), "wallet file")
	cmd.PersistentFlags().StringVar(&wf.passphraseFile, "passphrase-file", "", "file whose first line is the passphrase")
	cmd.AddCommand(newWalletInitCmd(e, wf), newWalletHolderCmd(e, wf), newWalletImportCmd(e, wf),
		newWalletListCmd(e, wf), newWalletPresentCmd(e, wf), newWalletReceiveCmd(e, wf))
	return cmd
}

func openWallet(e *env, wf *walletFlags) (*wallet.Wallet, error) {
	if wf.path == "" {
		return nil, errors.New("--wallet is empty")
	}
	if _, err := os.Stat(wf.path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", wf.path, wallet.ErrNotFound)
	}
	pass, err := readPassphrase(e, wf.passphraseFile, false)
	if err != nil {
		return nil, err
	}
	defer clear(pass)
	return wallet.Open(wf.path, pass)
}

func newWalletInitCmd(e *env, wf *walletFlags) *cobra.Command {
	var typ string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create an encrypted wallet with a new holder key",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ok := keyTypes[strings.ToLower(typ)]
			if !ok {
				return fmt.Errorf("unknown key type %q: use ed25519, p256 or secp256k1", typ)
			}
			if wf.path == "" {
				return errors.New("--wallet is empty")
			}
			if _, err := os.Lstat(wf.path); err == nil {
				return fmt.Errorf("%s: %w; refusing to overwrite it", wf.path, wallet.ErrExists)
			}
			pass, err := readPassphrase(e, wf.passphraseFile, true)
			if err != nil {
				return err
			}
			defer clear(pass)
			if len(pass) < minPassphrase {
				return fmt.Errorf("passphrase too short: at least %d characters", minPassphrase)
			}
			holder, err := keys.Generate(c)
			if err != nil {
				return err
			}
			w, err := wallet.Create(wf.path, pass, holder, wallet.DefaultKDF)
			if err != nil {
				return err
			}
			did, err := keys.DIDJWK(w.Holder().Public())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "created wallet %s\n", wf.path)
			fmt.Fprintf(cmd.OutOrStdout(), "holder: %s\n", did)
			return nil
		},
	}
	cmd.Flags().StringVar(&typ, "key-type", "ed25519", "holder key type: ed25519, p256 or secp256k1")
	return cmd
}

func newWalletHolderCmd(e *env, wf *walletFlags) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "holder",
		Short: "Print the holder public key to give an issuer (--format jwk|did)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "jwk" && format != "did" {
				return fmt.Errorf("unknown --format %q: use jwk or did", format)
			}
			w, err := openWallet(e, wf)
			if err != nil {
				return err
			}
			pub := w.Holder().Public()
			if format == "did" {
				did, err := keys.DIDJWK(pub)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), did)
				return nil
			}
			jwk, err := pub.JWK()
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(jwk))
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "jwk", "jwk (public JWK) or did (did:jwk)")
	return cmd
}

// credInfo is what list shows of a credential.
type credInfo struct {
	vct, iss      string
	iat, exp      time.Time
	holder        keys.PublicKey
	parsed        *sdjwt.SDJWT
	hasKeyBinding bool
}

// inspect parses a stored or imported SD-JWT VC (without the issuer key).
func inspect(s string) (*credInfo, error) {
	sd, err := sdjwt.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("not an SD-JWT: %w", err)
	}
	ci := &credInfo{parsed: sd, hasKeyBinding: !strings.HasSuffix(s, "~")}
	if typ, _ := sd.Header["typ"].(string); typ != sdjwtvc.TypDC && typ != sdjwtvc.TypVC {
		return nil, fmt.Errorf("not an SD-JWT VC: typ %q", typ)
	}
	ci.vct, _ = sd.Payload["vct"].(string)
	ci.iss, _ = sd.Payload["iss"].(string)
	if ci.vct == "" || ci.iss == "" {
		return nil, errors.New("not an SD-JWT VC: vct or iss missing")
	}
	for name, t := range map[string]*time.Time{"iat": &ci.iat, "exp": &ci.exp} {
		v, _, err := sdjwt.NumericDate(sd.Payload, name)
		if err != nil {
			return nil, fmt.Errorf("invalid %s: %w", name, err)
		}
		*t = v
	}
	cnf, _ := sd.Payload["cnf"].(map[string]any)
	jwk, ok := cnf["jwk"].(map[string]any)
	if !ok {
		return nil, errors.New("the credential has no holder key (cnf.jwk)")
	}
	b, err := json.Marshal(jwk)
	if err != nil {
		return nil, err
	}
	if ci.holder, err = keys.ParsePublicJWK(b); err != nil {
		return nil, fmt.Errorf("invalid cnf.jwk: %w", err)
	}
	return ci, nil
}

var nonNameChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// defaultName derives a free credential name from the vct's last segment.
func defaultName(w *wallet.Wallet, vct string) string {
	base := vct
	if i := strings.LastIndexAny(base, "/:#"); i >= 0 {
		base = base[i+1:]
	}
	base = strings.Trim(nonNameChars.ReplaceAllString(base, "-"), "-._")
	if len(base) > 48 {
		base = base[:48]
	}
	if base == "" {
		base = "credential"
	}
	name := base
	for i := 2; ; i++ {
		if _, err := w.Credential(name); err != nil {
			return name
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
}

func newWalletImportCmd(e *env, wf *walletFlags) *cobra.Command {
	var name, issuerJWK string
	cmd := &cobra.Command{
		Use:   "import <cred.sdjwt> [--name NAME] [--issuer-jwk issuer-pub.jwk]",
		Short: "Import an SD-JWT VC issued to this wallet's holder key",
		Long: `Import an SD-JWT VC in issuance form. The credential's cnf.jwk must be this
wallet's holder key. With --issuer-jwk the issuer signature, validity times
and every disclosure are verified too.`,
		Args: exactArgs(1, "one credential file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if name != "" {
				if err := wallet.ValidName(name); err != nil {
					return err
				}
			}
			raw, err := readFile("credential", args[0], maxCredentialFile)
			if err != nil {
				return err
			}
			s := strings.TrimSpace(string(raw))
			ci, err := inspect(s)
			if err != nil {
				return fmt.Errorf("credential %s: %w", args[0], err)
			}
			if ci.hasKeyBinding {
				return fmt.Errorf("credential %s is a presentation (it ends with a KB-JWT), not an issued credential", args[0])
			}
			if !ci.exp.IsZero() && time.Now().After(ci.exp) {
				return fmt.Errorf("credential %s expired at %s", args[0], ci.exp.UTC().Format(time.RFC3339))
			}
			if issuerJWK != "" {
				ipub, err := loadPublicKey("issuer key", issuerJWK)
				if err != nil {
					return err
				}
				v := &sdjwtvc.Verifier{Resolver: staticResolver(ipub)}
				if _, err := v.VerifyIssued(context.Background(), s); err != nil {
					return fmt.Errorf("credential %s does not verify with %s: %w", args[0], issuerJWK, err)
				}
			}
			w, err := openWallet(e, wf)
			if err != nil {
				return err
			}
			if !ci.holder.Equal(w.Holder().Public()) {
				return fmt.Errorf("credential %s is bound to another holder key (cnf.jwk), not this wallet's", args[0])
			}
			for _, c := range w.Credentials() {
				if c.SDJWT == s {
					return fmt.Errorf("credential %s is already in the wallet as %q", args[0], c.Name)
				}
			}
			if name == "" {
				name = defaultName(w, ci.vct)
			}
			if err := w.Add(wallet.Credential{Name: name, SDJWT: s, ImportedAt: time.Now().UTC().Truncate(time.Second)}); err != nil {
				return err
			}
			if err := w.Save(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %s (%s from %s)\n", name, ci.vct, ci.iss)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "name for the credential (default: from vct)")
	cmd.Flags().StringVar(&issuerJWK, "issuer-jwk", "", "issuer public JWK to verify the credential with")
	return cmd
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func newWalletListCmd(e *env, wf *walletFlags) *cobra.Command {
	var showClaims bool
	cmd := &cobra.Command{
		Use:   "list [--show-claims]",
		Short: "List stored credentials (claim values only with --show-claims)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			w, err := openWallet(e, wf)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			creds := w.Credentials()
			if len(creds) == 0 {
				fmt.Fprintln(out, "no credentials")
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tVCT\tISSUER\tISSUED\tEXPIRES\tDISCLOSABLE")
			infos := make([]*credInfo, len(creds))
			for i, c := range creds {
				ci, err := inspect(c.SDJWT)
				if err != nil {
					fmt.Fprintf(tw, "%s\t(unreadable: %v)\t\t\t\t\n", c.Name, err)
					continue
				}
				infos[i] = ci
				exp := fmtTime(ci.exp)
				if !ci.exp.IsZero() && time.Now().After(ci.exp) {
					exp += " (expired)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, ci.vct, ci.iss, fmtTime(ci.iat), exp,
					strings.Join(ci.parsed.Paths(), ","))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if !showClaims {
				return nil
			}
			for i, c := range creds {
				if infos[i] == nil {
					continue
				}
				claims := disclosedView(infos[i].parsed)
				b, err := json.MarshalIndent(claims, "  ", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "\n%s:\n  %s\n", c.Name, b)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&showClaims, "show-claims", false, "also print every claim value")
	return cmd
}

// disclosedView returns the personal claims of an SD-JWT with every
// disclosure applied, for display to the holder only (nothing is verified).
func disclosedView(sd *sdjwt.SDJWT) map[string]any {
	all := sd.Expanded()
	for _, k := range []string{"iss", "vct", "vct#integrity", "iat", "nbf", "exp", "cnf", "status"} {
		delete(all, k)
	}
	return all
}

func newWalletPresentCmd(e *env, wf *walletFlags) *cobra.Command {
	var disclose, nonce, aud, out string
	var force bool
	var oid *oid4vpPresentFlags
	cmd := &cobra.Command{
		Use: "present (<openid4vp-uri> --node URL --trust-root root.json [--yes] | " +
			"<name> --disclose age_over_18,given_name --nonce N --aud A [--out p.txt])",
		Short: "Answer an OpenID4VP request (openid4vp://...), or present a credential revealing only the chosen claims",
		Args:  exactArgs(1, "an openid4vp:// request URI or one credential name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if isOpenID4VPURI(args[0]) {
				return runPresentOpenID4VP(cmd, e, wf, oid, args[0])
			}
			if nonce == "" || aud == "" {
				return errors.New("--nonce and --aud are required (the verifier's challenge and identifier)")
			}
			var paths []string
			if disclose != "" {
				for _, p := range strings.Split(disclose, ",") {
					p = strings.TrimSpace(p)
					if p == "" {
						return fmt.Errorf("--disclose %q has an empty claim name", disclose)
					}
					paths = append(paths, p)
				}
			}
			w, err := openWallet(e, wf)
			if err != nil {
				return err
			}
			c, err := presentable(w, args[0], aud, cmd.ErrOrStderr()) // a batch: an unshown credential (receive.go)
			if err != nil {
				return err
			}
			key, err := w.Key(c)
			if err != nil {
				return err
			}
			sd, err := sdjwt.Parse(c.SDJWT)
			if err != nil {
				return fmt.Errorf("stored credential %q: %w", c.Name, err)
			}
			vp, err := sd.Present(context.Background(), paths, &sdjwt.KeyBinding{
				Signer: jws.NewKeySigner(key), Nonce: nonce, Audience: aud,
			})
			if err != nil {
				return fmt.Errorf("present %q: %w (disclosable claims: %s)", c.Name, err, strings.Join(sd.Paths(), ", "))
			}
			return writeOutput(cmd, out, []byte(vp+"\n"), force)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&disclose, "disclose", "", "comma-separated claim paths to reveal (e.g. age_over_18,address.locality)")
	fl.StringVar(&nonce, "nonce", "", "verifier's nonce (required)")
	fl.StringVar(&aud, "aud", "", "verifier's audience identifier (required)")
	fl.StringVar(&out, "out", "", "write the presentation to this file (0600) instead of stdout")
	fl.BoolVar(&force, "force", false, "replace an existing --out file")
	oid = addOpenID4VPFlags(cmd)
	return cmd
}
