package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/cmd/amanah/internal/wallet"
	"github.com/amanah-id/amanah/issuer/oid4vci"
)

// newWalletReceiveCmd is `amanah wallet receive <credential-offer-uri> [--tx-code C]`: the
// whole OpenID4VCI pre-authorized code flow, keeping the batch in the wallet.
func newWalletReceiveCmd(e *env, wf *walletFlags) *cobra.Command {
	var txCode, name string
	var batch int
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "receive <credential-offer-uri> [--tx-code CODE] [--name NAME]",
		Short: "Receive a batch of credentials from an issuer over OpenID4VCI (pre-authorized code flow)",
		Long: `Run the OpenID4VCI 1.0 pre-authorized code flow for a credential offer
(openid-credential-offer://?credential_offer=... or ?credential_offer_uri=...):
issuer metadata, token (with --tx-code when the offer asks for one), nonce,
and one credential request for a batch. Every credential of the batch is bound
to its own fresh holder key and stored, with that key, in the encrypted wallet
as <name>-1, <name>-2, ...; ` + "`amanah wallet present <name>`" + ` then uses a credential of
the batch not yet shown to that relying party.`,
		Args: exactArgs(1, "one credential offer URI"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if name != "" {
				if err := wallet.ValidName(name + "-1"); err != nil {
					return err
				}
			}
			w, err := openWallet(e, wf)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			got, md, err := (&oid4vci.Wallet{BatchSize: batch}).Receive(ctx, args[0], txCode)
			if err != nil {
				return fmt.Errorf("receive: %w", err)
			}
			if name == "" {
				vct := ""
				for _, c := range md.CredentialConfigurationsSupported {
					vct = c.VCT
				}
				name = defaultName(w, vct)
			}
			if len(w.Batch(name)) > 0 {
				return fmt.Errorf("a batch called %q is already in the wallet: use --name", name)
			}
			now := time.Now().UTC().Truncate(time.Second)
			for i, r := range got {
				ci, err := inspect(r.Credential)
				if err != nil {
					return fmt.Errorf("credential %d of the batch: %w", i+1, err)
				}
				if !ci.holder.Equal(r.Key.Public()) {
					return fmt.Errorf("credential %d of the batch is bound to another key than the one proved", i+1)
				}
				jwk, err := r.Key.JWK()
				if err != nil {
					return err
				}
				if err := w.Add(wallet.Credential{Name: fmt.Sprintf("%s-%d", name, i+1), SDJWT: r.Credential, ImportedAt: now,
					HolderKey: jwk, Batch: name}); err != nil {
					return err
				}
			}
			if err := w.Save(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "received batch %s: %d credentials from %s, each bound to its own key\n", name, len(got), md.CredentialIssuer)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&txCode, "tx-code", "", "transaction code the issuer gave you (when the offer asks for one)")
	fl.StringVar(&name, "name", "", "name of the batch (default: from vct)")
	fl.IntVar(&batch, "batch-size", 0, "ask for at most this many credentials (default: the issuer's batch size)")
	fl.DurationVar(&timeout, "timeout", 2*time.Minute, "timeout of the whole flow")
	return cmd
}

// errBatchUsedUp: every credential of the batch was already shown to that relying party.
var errBatchUsedUp = errors.New("batch used up")

// unshownCredential is the batch rule of `amanah wallet present`: a credential of the batch
// not yet shown to the relying party rp (its audience). It prefers one never shown to anyone,
// so presentations to different parties share no signature, salt, digest or status index;
// reused says the one returned was already shown to another party (only when no fresh one
// is left: colluding parties could link the two presentations). left counts the fresh
// credentials remaining after this one. When every credential was shown to rp it fails with
// errBatchUsedUp: the wallet needs a refill (a new offer from the issuer).
func unshownCredential(w *wallet.Wallet, batch, rp string) (c wallet.Credential, left int, reused bool, err error) {
	var fresh, notToRP []wallet.Credential
	for _, c := range w.Batch(batch) {
		switch {
		case len(c.ShownTo) == 0:
			fresh = append(fresh, c)
		case !slices.Contains(c.ShownTo, rp):
			notToRP = append(notToRP, c)
		}
	}
	switch {
	case len(fresh) > 0:
		return fresh[0], len(fresh) - 1, false, nil
	case len(notToRP) > 0:
		return notToRP[0], 0, true, nil
	}
	return wallet.Credential{}, 0, false, fmt.Errorf("%w: every credential of batch %q was already presented to %s; ask the issuer for a new offer and run `amanah wallet receive` (refill due)", errBatchUsedUp, batch, rp)
}

// presentable returns the credential `present <name>` uses: the named credential, or for a
// batch name the next unshown credential of the batch (marked shown to rp and saved), with a
// note for stderr.
func presentable(w *wallet.Wallet, name, rp string, stderr io.Writer) (wallet.Credential, error) {
	if c, err := w.Credential(name); err == nil {
		if c.Batch != "" {
			if err := w.MarkShown(c.Name, rp); err != nil {
				return c, err
			}
			if err := w.Save(); err != nil {
				return c, err
			}
		}
		return c, nil
	}
	if len(w.Batch(name)) == 0 {
		return wallet.Credential{}, fmt.Errorf("%q: %w", name, wallet.ErrNoCredential)
	}
	c, left, reused, err := unshownCredential(w, name, rp)
	if err != nil {
		return c, err
	}
	if err := w.MarkShown(c.Name, rp); err != nil {
		return c, err
	}
	if err := w.Save(); err != nil {
		return c, err
	}
	switch {
	case reused:
		fmt.Fprintf(stderr, "amanah: presenting %s, already shown to another relying party (no fresh credential left in batch %s): a refill is due (amanah wallet receive)\n", c.Name, name)
	case left == 0:
		fmt.Fprintf(stderr, "amanah: presenting %s, the last unused credential of batch %s: the batch is used up, a refill is due (amanah wallet receive)\n", c.Name, name)
	default:
		fmt.Fprintf(stderr, "amanah: presenting %s (%d unused credential(s) left in batch %s)\n", c.Name, left, strings.TrimSpace(name))
	}
	return c, nil
}
