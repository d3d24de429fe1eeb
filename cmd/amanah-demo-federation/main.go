// Command amanah-demo-federation is `make demo-federation`: the two-country story on two local
// chains. A Thai ledger (amanah-th, DIDs did:amanah:th:...) and a Malaysian one (amanah-my,
// did:amanah:my:...) each start with their own council. The TH council accredits an issuer of
// the Thai national id, which issues a credential to a citizen's wallet. The MY council
// recognises the TH ledger (trust root, the Thai id counted as the Malaysian one, two claims)
// and registers two banks, one opting in to the Thai id. The MY verifier follows TH with its
// own light client: the Thai credential verifies at the opted-in bank (issuer_ledger
// amanah-th), is refused at the other (credential_type_not_accepted), and after the MY council
// withdraws the recognition is refused (ledger_not_recognised) while a Malaysian credential
// still verifies. It prints a JSON summary, stops everything it started, and exits non-zero if
// any step failed.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/federated"
	"github.com/amanah-id/amanah/verifier/client"
	"github.com/amanah-id/amanah/verifier/reason"
)

type step struct {
	Name   string `json:"step"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
	Millis int64  `json:"ms"`
}

// summary is printed as one JSON line; the two story outcomes come last.
type summary struct {
	OK                          bool    `json:"ok"`
	Seconds                     float64 `json:"seconds"`
	Steps                       []step  `json:"steps"`
	IssuerLedger                string  `json:"issuer_ledger"`
	Recognition                 string  `json:"recognition"`
	NotOptedInRefused           bool    `json:"not_opted_in_refused"`
	LocalStillVerified          bool    `json:"local_still_verified"`
	ForeignVerified             bool    `json:"foreign_verified"`
	RecognitionWithdrawnRefused bool    `json:"recognition_withdrawn_refused"`
}

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 8*time.Minute)
	defer cancelTimeout()
	os.Exit(run(ctx))
}

func run(ctx context.Context) int {
	start := time.Now()
	var sum summary
	do := func(name string, f func() (string, error)) bool {
		t0 := time.Now()
		fmt.Printf("\n== %s\n", name)
		detail, err := f()
		s := step{Name: name, OK: err == nil, Detail: detail, Millis: time.Since(t0).Milliseconds()}
		if err != nil {
			s.Detail = err.Error()
			fmt.Printf("   FAILED: %v\n", err)
		} else {
			fmt.Printf("   ok: %s\n", detail)
		}
		sum.Steps = append(sum.Steps, s)
		return err == nil
	}
	dir, err := os.MkdirTemp("", "amanah-demo-federation-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	var (
		my, th *federated.Country
		v      *federated.Verifier
		thCred *federated.Credential
		myCred *federated.Credential
	)
	defer func() { v.Stop(); my.Stop(); th.Stop() }()

	ok := do("build amanahd and start two ledgers: amanah-th (did:amanah:th) and amanah-my (did:amanah:my)", func() (string, error) {
		bin, err := localnet.BuildBinary(ctx)
		if err != nil {
			return "", err
		}
		pMY, pTH, err := federated.Ports()
		if err != nil {
			return "", err
		}
		if th, err = federated.StartCountry(ctx, "TH", bin, filepath.Join(dir, "th"), "amanah-th", "th", pTH, 500*time.Millisecond); err != nil {
			return "", err
		}
		if my, err = federated.StartCountry(ctx, "MY", bin, filepath.Join(dir, "my"), "amanah-my", "my", pMY, 500*time.Millisecond); err != nil {
			return "", err
		}
		return fmt.Sprintf("TH RPC %s, MY RPC %s; each its own council", th.Net.Node(0).RPCURL(), my.Net.Node(0).RPCURL()), nil
	})
	ok = ok && do("the TH council accredits an issuer of the Thai national id; it issues to a citizen's wallet", func() (string, error) {
		if err := th.SetupIssuer(ctx, federated.THVCT); err != nil {
			return "", err
		}
		var err error
		if thCred, err = th.Issue(ctx, 7, "Somchai"); err != nil {
			return "", err
		}
		return fmt.Sprintf("issuer %s; credential of %d bytes (status list %d index 7 on amanah-th)", th.Issuer, len(thCred.SDJWT), th.ListID), nil
	})
	ok = ok && do("the MY council accredits its own issuer, recognises amanah-th and registers two banks (one opts in)", func() (string, error) {
		if err := my.SetupIssuer(ctx, federated.LocalVCT); err != nil {
			return "", err
		}
		var err error
		if myCred, err = my.Issue(ctx, 3, "Aisyah"); err != nil {
			return "", err
		}
		if err := my.RecognizeAndRegister(ctx, th); err != nil {
			return "", err
		}
		return fmt.Sprintf("recognition of amanah-th version 1: trust root at TH height 1, %s counted as %s (claims %v); bank %s opted in, bank %s did not",
			federated.THVCT, federated.LocalVCT, federated.Disclosed, my.Bank, my.Bank2), nil
	})
	ok = ok && do("start the MY verifier: its own ledger from its trust root, amanah-th from the recognition's", func() (string, error) {
		var err error
		v, err = federated.StartVerifier(ctx, dir, my, 10*time.Second, th)
		if err != nil {
			return "", err
		}
		return "serving on " + v.Addr + "; TH node endpoint from its configuration only", nil
	})
	ok = ok && do("the Thai citizen presents the Thai credential to the MY bank: verified", func() (string, error) {
		res, err := v.PresentUntil(ctx, my.Bank, federated.Audience, thCred, 60*time.Second, func(r *client.Result) bool { return r.Verified })
		if err != nil {
			return "", err
		}
		if !res.Verified || res.Raw.IssuerLedger != th.ChainID {
			return "", fmt.Errorf("verified %v reason %q issuer_ledger %q", res.Verified, res.Reason, res.Raw.IssuerLedger)
		}
		sum.ForeignVerified, sum.IssuerLedger = true, res.Raw.IssuerLedger
		sum.Recognition = fmt.Sprintf("%s v%d as %s", res.Raw.Recognition.GetChainId(), res.Raw.Recognition.GetVersion(), res.Raw.Recognition.GetLocalVct())
		return fmt.Sprintf("verified: issuer_ledger=%s recognition=%s claims=%v (TH ledger height %d)", res.Raw.IssuerLedger, sum.Recognition, res.Claims, res.Height), nil
	})
	ok = ok && do("the other MY bank did not opt in: refused", func() (string, error) {
		res, err := v.Present(ctx, my.Bank2, federated.OtherAudience, thCred)
		if err != nil {
			return "", err
		}
		if res.Reason != string(reason.CredentialTypeNotAccepted) {
			return "", fmt.Errorf("verified %v reason %q, want %s", res.Verified, res.Reason, reason.CredentialTypeNotAccepted)
		}
		sum.NotOptedInRefused = true
		return "refused: " + res.Reason, nil
	})
	_ = ok && do("the MY council withdraws the recognition: the Thai credential is refused, a Malaysian one still verifies", func() (string, error) {
		if err := my.Withdraw(ctx, th.ChainID, 2); err != nil {
			return "", err
		}
		res, err := v.PresentUntil(ctx, my.Bank, federated.Audience, thCred, 30*time.Second, func(r *client.Result) bool { return !r.Verified })
		if err != nil {
			return "", err
		}
		if res.Reason != string(reason.LedgerNotRecognised) {
			return "", fmt.Errorf("verified %v reason %q, want %s", res.Verified, res.Reason, reason.LedgerNotRecognised)
		}
		sum.RecognitionWithdrawnRefused = true
		local, err := v.Present(ctx, my.Bank, federated.Audience, myCred)
		if err != nil {
			return "", err
		}
		if !local.Verified || local.Raw.IssuerLedger != my.ChainID {
			return "", fmt.Errorf("MY credential: verified %v reason %q issuer_ledger %q", local.Verified, local.Reason, local.Raw.IssuerLedger)
		}
		sum.LocalStillVerified = true
		return fmt.Sprintf("Thai credential refused (%s); Malaysian credential verified (issuer_ledger=%s)", res.Reason, local.Raw.IssuerLedger), nil
	})
	sum.OK = true
	for _, s := range sum.Steps {
		sum.OK = sum.OK && s.OK
	}
	sum.Seconds = time.Since(start).Seconds()
	line, _ := json.Marshal(sum)
	fmt.Printf("\n%s\n", line)
	if !sum.OK {
		fmt.Fprintf(os.Stderr, "verifier log:\n%s\n", tailLog(v))
		return 1
	}
	return 0
}

func tailLog(v *federated.Verifier) string {
	if v == nil {
		return "(not started)"
	}
	return localnet.FileTail(v.Log, 30)
}
