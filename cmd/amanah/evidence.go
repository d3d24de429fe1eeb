package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/amanah-id/amanah/jsonstrict"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// Size limits of verify-evidence's files (a verdict's evidence is tens of
// KiB; a trust root grows with the validator set).
const (
	maxEvidenceFile  = 8 << 20
	maxTrustRootFile = 4 << 20
)

// Exit codes of verify-evidence.
const (
	// evidenceSupports: the evidence verifies and supports "verified".
	evidenceSupports = 0
	// evidenceNotSupporting: the evidence verifies, but the ledger facts it
	// proves do not support "verified" (revoked, not accredited, ...).
	evidenceNotSupporting = 1
	// evidenceInvalid: the evidence does not verify (malformed, tampered,
	// another chain, anchor newer than the evidence, facts missing); it
	// proves nothing either way.
	evidenceInvalid = 2
	// evidenceNotChecked: nothing was checked (bad flags, a file that cannot
	// be read, an invalid trust root file).
	evidenceNotChecked = 3
)

// evidenceResult is the JSON verify-evidence prints: whether the evidence
// verifies, the report (node.Report: what the ledger said at that height), and
// whether it supports "verified".
type evidenceResult struct {
	EvidenceVerified bool   `json:"evidence_verified"`
	Error            string `json:"error,omitempty"`
	*node.Report
	SupportsVerified bool         `json:"supports_verified"`
	NotSupported     []string     `json:"not_supported_because,omitempty"`
	Subject          *subjectJSON `json:"subject,omitempty"`
	TrustRoot        rootJSON     `json:"trust_root"`
	Note             string       `json:"note"`
}

// subjectJSON is the question the evidence answers.
type subjectJSON struct {
	Issuer       string `json:"issuer"`
	KeyID        string `json:"kid"`
	VCT          string `json:"vct"`
	IssuedAt     string `json:"issued_at"`
	StatusURI    string `json:"status_uri"`
	StatusIndex  uint32 `json:"status_index"`
	RelyingParty string `json:"relying_party"`
	CheckedAt    string `json:"checked_at"`
}

type rootJSON struct {
	ChainID string `json:"chain_id"`
	Height  int64  `json:"height"`
	Hash    string `json:"hash"`
}

const evidenceNote = "offline re-check, no node asked: the evidence's header against the trust root's validators, " +
	"every fact's Merkle proof against that header's app hash, then the verification rules over those facts alone"

type verifyEvidenceFlags struct {
	evidence, trustRoot string
}

func newVerifyEvidenceCmd() *cobra.Command {
	var f verifyEvidenceFlags
	cmd := &cobra.Command{
		Use:   "verify-evidence --evidence ev.json --trust-root root.json",
		Short: "Re-check a verdict's saved evidence offline against a trust root",
		Long: `Re-check, without any network access, the evidence the verifier returned with a
verdict (VerifyPresentation with include_evidence; saved as JSON, the protobuf
JSON mapping of amanah.verifier.v1.Evidence): the evidence's header must be
signed by the chain of the trust root (the same header, or one signed by
enough of the trust root's validators), every ledger fact must be proved by
its Merkle proof against that header's app hash, and the verification rules
(issuer key at iat, accreditation at iat and at the check, status entry owned
by the issuer, relying-party registration, credential type) are evaluated over
those facts alone. Nothing expires: evidence stays checkable for as long as
its trust root is kept. The trust root must not be newer than the evidence.

Prints the report as JSON with "evidence_verified" and "supports_verified".
Exit codes:
  0  the evidence verifies and supports "verified"
  1  the evidence verifies but does not support "verified" (not_supported_because says why)
  2  the evidence does not verify: malformed, tampered, of another chain,
     anchored before the trust root, or lacking a fact the rules need
  3  nothing was checked: bad flags, unreadable file, invalid trust root file`,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := exactArgs(0, "no arguments")(cmd, args); err != nil {
				return codeError{code: evidenceNotChecked, err: err}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return runVerifyEvidence(cmd, &f) },
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return codeError{code: evidenceNotChecked, err: err}
	})
	fl := cmd.Flags()
	fl.StringVar(&f.evidence, "evidence", "", "evidence file (JSON) (required)")
	fl.StringVar(&f.trustRoot, "trust-root", "", "trust root file (amanah trust-root, or the council's) not newer than the evidence (required)")
	return cmd
}

func runVerifyEvidence(cmd *cobra.Command, f *verifyEvidenceFlags) error {
	if f.evidence == "" || f.trustRoot == "" {
		return notCheckedErr(errors.New("--evidence and --trust-root are required"))
	}
	raw, err := readFile("evidence", f.evidence, maxEvidenceFile)
	if err != nil {
		return notCheckedErr(err)
	}
	if _, err := readFile("trust root", f.trustRoot, maxTrustRootFile); err != nil {
		return notCheckedErr(err)
	}
	rf, anchor, err := node.ReadTrustRootFile(f.trustRoot)
	if err != nil {
		return notCheckedErr(err)
	}
	out := evidenceResult{TrustRoot: rootJSON{ChainID: rf.ChainID, Height: rf.Height, Hash: rf.Hash}, Note: evidenceNote}

	ev, err := parseEvidence(raw)
	if err != nil {
		return printEvidence(cmd, &out, err)
	}
	s := ev.Subject
	if s != nil {
		out.Subject = &subjectJSON{Issuer: s.Issuer, KeyID: s.Kid, VCT: s.Vct, IssuedAt: fmtUnix(s.IssuedAtUnix),
			StatusURI: s.StatusUri, StatusIndex: s.StatusIndex, RelyingParty: s.RelyingParty, CheckedAt: fmtUnix(s.CheckedAtUnix)}
	}
	r, err := node.VerifyEvidence(context.WithoutCancel(cmd.Context()), ev, anchor)
	if err != nil {
		return printEvidence(cmd, &out, err)
	}
	out.Report = &r
	if len(r.Errors) > 0 {
		return printEvidence(cmd, &out, fmt.Errorf("the evidence lacks facts the rules need: %s", strings.Join(r.Errors, "; ")))
	}
	out.EvidenceVerified = true
	out.SupportsVerified = r.Supports()
	out.NotSupported = whyNot(r, s)
	return printEvidence(cmd, &out, nil)
}

// parseEvidence reads evidence JSON: one strict JSON object (no duplicate
// names, ...), then its protobuf JSON mapping (no unknown fields).
func parseEvidence(raw []byte) (*verifierpb.Evidence, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, errors.New("evidence: the file is empty")
	}
	if _, err := jsonstrict.DecodeObject(raw, jsonstrict.Limits{MaxBytes: maxEvidenceFile}); err != nil {
		return nil, fmt.Errorf("evidence: not a JSON object: %w", err)
	}
	ev, err := node.UnmarshalEvidence(raw)
	if err != nil {
		return nil, err
	}
	if ev.Subject == nil {
		return nil, errors.New("evidence: no subject")
	}
	return ev, nil
}

// whyNot lists why a verified evidence report does not support "verified".
func whyNot(r node.Report, s *verifierpb.EvidenceSubject) []string {
	var why []string
	if r.IssuerKey != "" {
		why = append(why, "issuer key: "+r.IssuerKey)
	}
	if !r.AccreditedAtIssuance {
		why = append(why, fmt.Sprintf("%s was not accredited for %s at issuance (%s)", s.Issuer, s.Vct, fmtUnix(s.IssuedAtUnix)))
	}
	if !r.AccreditedAtCheck {
		why = append(why, fmt.Sprintf("%s was not accredited for %s at the check (%s)", s.Issuer, s.Vct, fmtUnix(s.CheckedAtUnix)))
	}
	switch {
	case r.StatusError != "":
		why = append(why, "status: "+r.StatusError)
	case r.Status == 1:
		why = append(why, fmt.Sprintf("status entry %s #%d is 1: revoked", s.StatusUri, s.StatusIndex))
	case r.Status == 2:
		why = append(why, fmt.Sprintf("status entry %s #%d is 2: suspended", s.StatusUri, s.StatusIndex))
	case r.Status != 0:
		why = append(why, fmt.Sprintf("status entry %s #%d has the undefined value %d", s.StatusUri, s.StatusIndex, r.Status))
	}
	if !r.RelyingPartyAllowed {
		why = append(why, fmt.Sprintf("relying party %s is not registered for %s", s.RelyingParty, s.Vct))
	}
	if !r.SchemaRegistered {
		why = append(why, fmt.Sprintf("credential type %s is not registered", s.Vct))
	}
	return why
}

// printEvidence prints the result and returns the exit code's error: verr is
// why the evidence does not verify (nil if it does).
func printEvidence(cmd *cobra.Command, out *evidenceResult, verr error) error {
	if verr != nil {
		out.EvidenceVerified, out.SupportsVerified, out.Error = false, false, verr.Error()
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return notCheckedErr(err)
	}
	fmt.Fprintln(cmd.OutOrStdout(), string(b))
	switch {
	case verr != nil:
		fmt.Fprintf(cmd.ErrOrStderr(), "amanah: the evidence does not verify (it proves nothing): %v\n", verr)
		return exitError{code: evidenceInvalid}
	case !out.SupportsVerified:
		fmt.Fprintf(cmd.ErrOrStderr(), "amanah: the evidence verifies but does not support \"verified\": %s\n", strings.Join(out.NotSupported, "; "))
		return exitError{code: evidenceNotSupporting}
	}
	return nil
}

// notCheckedErr ends verify-evidence with evidenceNotChecked.
func notCheckedErr(err error) error { return codeError{code: evidenceNotChecked, err: err} }

// fmtUnix formats Unix seconds as fmtTime does.
func fmtUnix(s int64) string { return fmtTime(time.Unix(s, 0)) }
