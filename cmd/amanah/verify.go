package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/statuslist"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/reason"
)

// verifyResult is the JSON verify prints.
type verifyResult struct {
	Verified  bool           `json:"verified"`
	Reason    string         `json:"reason,omitempty"`
	Error     string         `json:"error,omitempty"`
	Issuer    string         `json:"issuer,omitempty"`
	KeyID     string         `json:"kid,omitempty"`
	VCT       string         `json:"vct,omitempty"`
	IssuedAt  string         `json:"issued_at,omitempty"`
	ExpiresAt string         `json:"expires_at,omitempty"`
	Status    *statusJSON    `json:"status,omitempty"`
	Claims    map[string]any `json:"claims,omitempty"`
	// Accredited (ledger mode): the issuer was accredited for the vct both at
	// the credential's iat and now.
	Accredited *bool `json:"accredited,omitempty"`
	// Ledger (ledger mode): the proof-checked state the checks read.
	Ledger *ledgerJSON `json:"ledger,omitempty"`
	Note   string      `json:"note"`
}

// statusJSON is the credential's status reference and, in ledger mode, its
// entry on the ledger.
type statusJSON struct {
	Index uint64 `json:"idx"`
	URI   string `json:"uri"`
	// Value is the entry (0 valid, 1 revoked, 2 suspended); State names it.
	Value *uint8 `json:"value,omitempty"`
	State string `json:"state,omitempty"`
}

// ledgerJSON describes the state a ledger-mode verification read.
type ledgerJSON struct {
	ChainID         string `json:"chain_id"`
	Height          int64  `json:"height"`
	BlockTime       string `json:"block_time"`
	TrustRootHeight int64  `json:"trust_root_height"`
	Nodes           int    `json:"nodes"`
}

const (
	verifyNoteOffline = "local check with the given issuer key: issuer signature, times, disclosures and key binding; " +
		"the issuer key on the ledger (x/did), accreditation (x/trust) and status (x/status) are NOT checked"
	verifyNoteLedger = "ledger check: every ledger fact read with a Merkle proof against headers the light client verified from the trust root: " +
		"issuer key (kid an assertionMethod of iss at iat, not withdrawn since), accreditation for the vct at iat and now, " +
		"status entry (list owned by the issuer); and the issuer signature, times, disclosures and key binding. " +
		"Relying-party registration and the claims' schema are the verifier service's checks"
)

// reasonLedgerUnavailable: no fresh proof-checked ledger state within --timeout.
const reasonLedgerUnavailable = "ledger_unavailable"

type verifyFlags struct {
	nodeFlags
	presentation, issuerJWK, trustRoot, nonce, aud, nodeGRPC string
	kbMaxAge, skew, timeout, trustingPeriod, freshness       time.Duration
}

func newVerifyCmd() *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify --presentation p.txt (--node https://rpc:26657 --trust-root root.json | --issuer-jwk issuer-pub.jwk) --nonce N --aud A",
		Short: "Verify an SD-JWT VC presentation and print the result as JSON",
		Long: `Verify an SD-JWT VC presentation and print {"verified", "reason", "claims", ...};
exit 1 when not verified.

Ledger mode (--node, repeatable: the first node is the primary, the others
witnesses that cross-check its headers; --trust-root from amanah trust-root or
the council): every ledger fact is read with a Merkle proof checked against a
header the light client verified from the trust root; the view is advanced
until its state is fresh (block time within --freshness), bounded by
--timeout (else verified=false, reason ledger_unavailable). It checks the
issuer key rule (kid an assertionMethod of the issuer DID at the credential's
iat, not withdrawn since), the issuer's accreditation for the vct at iat and
now ("accredited"), and the status entry, in a list owned by the issuer
("status": value, state), besides the signature, validity times, disclosures
and key binding (nonce, audience, sd_hash, freshness). Reason codes are the
verifier service's (docs/verifier-integration.md). The relying party's
registration and the claims' schema are the verifier service's checks, not
this command's.

Offline mode (--issuer-jwk): the signature, times, disclosures and key binding
only, with the given issuer key; no ledger check at all.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVerify(cmd, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.presentation, "presentation", "", "presentation file, or - for stdin (required)")
	fl.StringVar(&f.issuerJWK, "issuer-jwk", "", "issuer public JWK file (offline mode: signature checks only)")
	fl.StringArrayVar(&f.nodes, "node", nil, "node CometBFT RPC URL, https:// (repeatable: first primary, others witnesses)")
	fl.StringVar(&f.trustRoot, "trust-root", "", "trust root file (amanah trust-root; required with --node)")
	fl.DurationVar(&f.trustingPeriod, "trusting-period", defaultTrustingPeriod, "light client trusting period (with --node)")
	fl.DurationVar(&f.freshness, "freshness", ledger.DefaultFreshness, "refuse ledger state older than this, by block time (with --node)")
	fl.BoolVar(&f.allowPlaintext, "allow-plaintext", false, "allow http:// node URLs (a node on this machine only)")
	fl.StringVar(&f.nodeCA, "node-ca", "", "CA certificate(s) the nodes' TLS certificates must chain to (PEM; default: system roots)")
	fl.StringVar(&f.nodeGRPC, "node-grpc", "", "removed: use --node and --trust-root")
	_ = fl.MarkHidden("node-grpc")
	fl.StringVar(&f.nonce, "nonce", "", "expected nonce (required)")
	fl.StringVar(&f.aud, "aud", "", "expected audience (required)")
	fl.DurationVar(&f.kbMaxAge, "kb-max-age", sdjwt.DefaultKBMaxAge, "maximum age of the key-binding JWT")
	fl.DurationVar(&f.skew, "skew", sdjwt.DefaultSkew, "allowed clock skew")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "bound on reaching a fresh verified ledger state, and on the ledger reads")
	return cmd
}

func (f *verifyFlags) validate(cmd *cobra.Command) error {
	if f.nodeGRPC != "" {
		return errors.New("--node-grpc was removed (its reads were not proved): use --node <rpc URL> --trust-root root.json")
	}
	if f.presentation == "" {
		return errors.New("--presentation is required")
	}
	if f.nonce == "" || f.aud == "" {
		return errors.New("--nonce and --aud are required")
	}
	if (f.issuerJWK == "") == (len(f.nodes) == 0) {
		return errors.New("give exactly one of --issuer-jwk (offline) and --node (ledger)")
	}
	if f.kbMaxAge <= 0 || f.skew < 0 || f.timeout <= 0 {
		return errors.New("--kb-max-age and --timeout must be positive, --skew not negative")
	}
	if f.issuerJWK != "" {
		for _, name := range []string{"trust-root", "trusting-period", "freshness", "allow-plaintext", "node-ca"} {
			if cmd.Flags().Changed(name) {
				return fmt.Errorf("--%s is for the ledger mode (--node), not --issuer-jwk", name)
			}
		}
		return nil
	}
	if f.trustRoot == "" {
		return errors.New("--trust-root is required with --node (take one with amanah trust-root, or use the council's)")
	}
	if f.trustingPeriod <= 0 || f.freshness <= 0 {
		return errors.New("--trusting-period and --freshness must be positive")
	}
	seen := map[string]bool{}
	for _, u := range f.nodes {
		if err := checkNodeURL(u, f.allowPlaintext); err != nil {
			return err
		}
		if seen[u] {
			return fmt.Errorf("--node %s given twice", u)
		}
		seen[u] = true
	}
	return nil
}

func runVerify(cmd *cobra.Command, f *verifyFlags) error {
	if err := f.validate(cmd); err != nil {
		return err
	}
	var raw []byte
	var err error
	if f.presentation == "-" {
		raw, err = io.ReadAll(io.LimitReader(cmd.InOrStdin(), maxPresentationFile+1))
		if err == nil && len(raw) > maxPresentationFile {
			err = fmt.Errorf("larger than %d bytes", maxPresentationFile)
		}
		if err != nil {
			return fmt.Errorf("presentation from stdin: %w", err)
		}
	} else if raw, err = readFile("presentation", f.presentation, maxPresentationFile); err != nil {
		return err
	}
	vp := strings.TrimSpace(string(raw))
	if vp == "" {
		return errors.New("presentation is empty")
	}

	ctx := cmd.Context()
	out := verifyResult{Note: verifyNoteOffline}
	var resolver sdjwtvc.IssuerKeyResolver
	var view *node.View
	if f.issuerJWK != "" {
		pub, err := loadPublicKey("issuer key", f.issuerJWK)
		if err != nil {
			return err
		}
		resolver = staticResolver(pub)
	} else {
		out.Note = verifyNoteLedger
		sctx, cancel := context.WithTimeout(ctx, f.timeout)
		v, rf, err := openLedger(sctx, cmd, &f.nodeFlags, f.trustRoot, f.trustingPeriod, f.freshness, f.timeout)
		cancel()
		if v == nil {
			return err // configuration: trust root file, TLS, ...
		}
		if err != nil {
			out.Reason = reasonLedgerUnavailable
			out.Error = fmt.Sprintf("no fresh proof-checked ledger state within %s: %v", f.timeout, err)
			return printVerify(cmd, &out)
		}
		view = v
		s := v.Cache.Sync()
		out.Ledger = &ledgerJSON{ChainID: rf.ChainID, Height: s.Height, BlockTime: fmtTime(s.BlockTime),
			TrustRootHeight: rf.Height, Nodes: len(f.nodes)}
		resolver = sdjwtvc.IssuerKeyResolverFunc(v.Cache.IssuerKey)
	}

	v := &sdjwtvc.Verifier{Resolver: resolver, Options: sdjwt.Options{KBMaxAge: f.kbMaxAge, Skew: f.skew}}
	if f.skew == 0 {
		v.Options.Skew = time.Nanosecond // zero would mean the default
	}
	cctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	res, verr := v.Verify(cctx, vp, sdjwtvc.Challenge{Nonce: f.nonce, Audience: f.aud})
	if verr != nil {
		out.Reason = string(sdjwt.ReasonOf(verr))
		if out.Reason == "" {
			out.Reason = "error"
		}
		out.Error = verr.Error()
		return printVerify(cmd, &out)
	}
	out.Verified = true
	out.Issuer, out.KeyID, out.VCT, out.Claims = res.Issuer, res.KeyID, res.VCT, res.Claims
	if !res.IssuedAt.IsZero() {
		out.IssuedAt = fmtTime(res.IssuedAt)
	}
	if !res.ExpiresAt.IsZero() {
		out.ExpiresAt = fmtTime(res.ExpiresAt)
	}
	if res.Status != nil {
		out.Status = &statusJSON{Index: res.Status.Index, URI: res.Status.URI}
	}
	if view != nil {
		ledgerChecks(cctx, view.Cache, res, time.Now(), &out)
	}
	return printVerify(cmd, &out)
}

// ledgerChecks runs the accreditation and status checks on a verified
// presentation (the issuer key rule ran as the signature's key resolution);
// the first failure gives the reason, as in the verifier service.
func ledgerChecks(ctx context.Context, view ledger.View, res *sdjwtvc.Result, now time.Time, out *verifyResult) {
	fail := func(r reason.Code, format string, args ...any) {
		if out.Verified {
			out.Verified, out.Reason, out.Error = false, string(r), fmt.Sprintf(format, args...)
		}
	}
	accredited := !res.IssuedAt.IsZero()
	if !accredited {
		fail(reason.SchemaInvalid, "the credential has no iat: its accreditation at issuance cannot be checked")
	}
	for _, at := range []struct {
		name string
		t    time.Time
	}{{"at issuance (iat " + fmtTime(res.IssuedAt) + ")", res.IssuedAt}, {"now", now}} {
		if !accredited {
			break
		}
		ok, err := view.Accredited(ctx, res.Issuer, res.VCT, at.t)
		if err != nil {
			accredited = false
			fail(reason.AccreditationUnknown, "accreditation of %s for %s %s: %v", res.Issuer, res.VCT, at.name, err)
			break
		}
		if !ok {
			accredited = false
			fail(reason.IssuerNotAccredited, "%s is not accredited for %s %s", res.Issuer, res.VCT, at.name)
			break
		}
	}
	out.Accredited = &accredited

	ref := res.Status
	switch {
	case ref == nil:
		fail(reason.StatusMissing, "the credential has no status entry")
		return
	case ref.Index > 1<<32-1:
		fail(reason.StatusInvalid, "status index %d out of range", ref.Index)
		return
	}
	val, _, err := view.Status(ctx, ref.URI, uint32(ref.Index), res.Issuer)
	switch {
	case errors.Is(err, ledger.ErrWrongOwner):
		fail(reason.StatusWrongOwner, "status list %s: %v", ref.URI, err)
		return
	case errors.Is(err, ledger.ErrNotFound), errors.Is(err, ledger.ErrOutOfRange):
		fail(reason.StatusInvalid, "status entry %s #%d: %v", ref.URI, ref.Index, err)
		return
	case err != nil:
		fail(reason.StatusUnknown, "status entry %s #%d: %v", ref.URI, ref.Index, err)
		return
	}
	out.Status.Value = &val
	switch val {
	case statuslist.StatusValid:
		out.Status.State = "valid"
	case statuslist.StatusInvalid:
		out.Status.State = "revoked"
		fail(reason.Revoked, "the credential is revoked by its issuer")
	case statuslist.StatusSuspended:
		out.Status.State = "suspended"
		fail(reason.Suspended, "the credential is suspended by its issuer")
	default:
		out.Status.State = "invalid"
		fail(reason.StatusInvalid, "status entry has the undefined value %d", val)
	}
}

// printVerify prints the result; a result that is not verified ends with exit code 1.
func printVerify(cmd *cobra.Command, out *verifyResult) error {
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintln(cmd.OutOrStdout(), string(b))
	if !out.Verified {
		fmt.Fprintf(cmd.ErrOrStderr(), "amanah: presentation not verified: %s\n", out.Error)
		return exitError{code: 1}
	}
	return nil
}

// staticResolver answers every kid with one key (--issuer-jwk); the library
// has already checked that kid is a DID URL of iss.
func staticResolver(pub keys.PublicKey) sdjwtvc.IssuerKeyResolver {
	return sdjwtvc.IssuerKeyResolverFunc(func(context.Context, string, string, time.Time) (keys.PublicKey, error) {
		return pub, nil
	})
}
