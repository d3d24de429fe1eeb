package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/cmd/amanah/internal/wallet"
	"github.com/amanah-id/amanah/openid4vp"
	"github.com/amanah-id/amanah/openid4vp/holder"
	"github.com/amanah-id/amanah/verifier/ledger"
)

// oid4vpPresentFlags are `wallet present <openid4vp-uri>`'s flags.
type oid4vpPresentFlags struct {
	nodeFlags
	trustRoot                          string
	yes                                bool
	timeout, trustingPeriod, freshness time.Duration
}

// isOpenID4VPURI reports whether arg is an OpenID4VP request URI rather than a credential name.
func isOpenID4VPURI(arg string) bool { return strings.HasPrefix(arg, openid4vp.Scheme+"://") }

// addOpenID4VPFlags adds the flags of the OpenID4VP form of wallet present.
func addOpenID4VPFlags(cmd *cobra.Command) *oid4vpPresentFlags {
	f := &oid4vpPresentFlags{}
	fl := cmd.Flags()
	fl.BoolVar(&f.yes, "yes", false, "OpenID4VP: consent without asking (scripts)")
	fl.StringArrayVar(&f.nodes, "node", nil, "OpenID4VP: node CometBFT RPC URL, https:// (repeatable: first primary, others witnesses)")
	fl.StringVar(&f.trustRoot, "trust-root", "", "OpenID4VP: trust root file (amanah trust-root)")
	fl.DurationVar(&f.trustingPeriod, "trusting-period", defaultTrustingPeriod, "OpenID4VP: light client trusting period")
	fl.DurationVar(&f.freshness, "freshness", ledger.DefaultFreshness, "OpenID4VP: refuse ledger state older than this")
	fl.DurationVar(&f.timeout, "timeout", 60*time.Second, "OpenID4VP: bound on the whole exchange")
	fl.BoolVar(&f.allowPlaintext, "allow-plaintext", false, "OpenID4VP: allow http:// node URLs (a node on this machine only)")
	fl.StringVar(&f.nodeCA, "node-ca", "", "OpenID4VP: CA certificate(s) of the nodes' TLS certificates (PEM)")
	return f
}

// runPresentOpenID4VP answers the OpenID4VP request uri: it reads the ledger
// through the nodes (proof-checked), verifies the request and the relying
// party's registration, shows what will leave the wallet, asks consent
// (unless --yes), presents and posts, and prints the redirect.
func runPresentOpenID4VP(cmd *cobra.Command, e *env, wf *walletFlags, f *oid4vpPresentFlags, uri string) error {
	if _, _, err := openid4vp.ParseURI(uri); err != nil {
		return fmt.Errorf("not a usable OpenID4VP request: %w", err)
	}
	if len(f.nodes) == 0 || f.trustRoot == "" {
		return errors.New("--node and --trust-root are required: the request is checked against the relying party's DID and registration on the ledger")
	}
	for _, n := range f.nodes {
		if err := checkNodeURL(n, f.allowPlaintext); err != nil {
			return err
		}
	}
	w, err := openWallet(e, wf)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
	defer cancel()
	view, _, err := openLedger(ctx, cmd, &f.nodeFlags, f.trustRoot, f.trustingPeriod, f.freshness, f.timeout)
	if view == nil {
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: no fresh proof-checked ledger state: %w", holder.CodeLedger, err)
	}
	creds, err := holderCredentials(w)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	var consented *holder.Plan // the plan the citizen agreed to: its credentials count as shown
	opts := holder.Options{Ledger: ledger.HolderLedger{View: view.Cache}, Credentials: creds, Holder: w.Holder(),
		Consent: func(p *holder.Plan) (bool, error) {
			fmt.Fprint(out, p.Summary())
			if f.yes {
				fmt.Fprintln(out, "Consent given (--yes).")
				consented = p
				return true, nil
			}
			fmt.Fprint(out, "Send this? [y/N] ")
			line, err := bufio.NewReader(e.stdin).ReadString('\n')
			if err != nil && line == "" {
				return false, fmt.Errorf("%s: no answer on stdin (use --yes in scripts)", holder.CodeConsentRefused)
			}
			a := strings.ToLower(strings.TrimSpace(line))
			if a == "y" || a == "yes" {
				consented = p
				return true, nil
			}
			return false, nil
		}}
	res, err := holder.Present(ctx, uri, opts)
	if consented != nil {
		// Once the citizen agreed, the answer may have reached the relying party even if the
		// post failed: a batch credential counts as shown to it from then on.
		if merr := markShown(w, consented, cmd.ErrOrStderr()); merr != nil && err == nil {
			err = merr
		}
	}
	if err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	fmt.Fprintf(out, "Presented to %s.\n", res.Plan.RelyingPartyName)
	if res.RedirectURI != "" {
		fmt.Fprintf(out, "redirect: %s\n", res.RedirectURI)
	}
	return nil
}

// holderCredentials gives the OpenID4VP wallet every stored credential with its own holder
// key, its batch and the relying parties it was shown to (holder.ChooseCredential uses them).
func holderCredentials(w *wallet.Wallet) ([]holder.Credential, error) {
	var creds []holder.Credential
	for _, c := range w.Credentials() {
		hc := holder.Credential{Name: c.Name, SDJWT: c.SDJWT, Batch: c.Batch, ShownTo: c.ShownTo}
		if c.HolderKey != nil {
			k, err := w.Key(c)
			if err != nil {
				return nil, fmt.Errorf("credential %q: holder key: %w", c.Name, err)
			}
			hc.Key = &k
		}
		creds = append(creds, hc)
	}
	return creds, nil
}

// markShown records that the plan's batch credentials were shown to its relying party (by
// DID), saves the wallet, and says how many fresh credentials each batch has left.
func markShown(w *wallet.Wallet, p *holder.Plan, stderr io.Writer) error {
	for _, d := range p.Disclosures {
		c, err := w.Credential(d.Credential)
		if err != nil || c.Batch == "" {
			continue
		}
		if err := w.MarkShown(c.Name, p.RelyingPartyDID); err != nil {
			return err
		}
		fresh := 0
		for _, b := range w.Batch(c.Batch) {
			if len(b.ShownTo) == 0 {
				fresh++
			}
		}
		if fresh == 0 {
			fmt.Fprintf(stderr, "batch %q: no credential left that no relying party has seen; ask the issuer for a new offer (refill due)\n", c.Batch)
		} else {
			fmt.Fprintf(stderr, "batch %q: %d credential(s) left that no relying party has seen\n", c.Batch, fresh)
		}
	}
	return w.Save()
}
