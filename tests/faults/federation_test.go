//go:build faults

package faults

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/amanah-id/amanah/localnet"
	"github.com/amanah-id/amanah/localnet/federated"
	"github.com/amanah-id/amanah/verifier/client"
	"github.com/amanah-id/amanah/verifier/reason"
)

// TestFederation runs two real ledgers, amanah-th and amanah-my, each with its own council,
// and the MY verifier following TH because the MY council recognises it (docs/federation.md):
//   - a TH issuer's credential presented to an MY bank that opted in is verified, naming
//     issuer_ledger amanah-th and the recognition;
//   - an MY bank without the opt-in refuses it: credential_type_not_accepted;
//   - TH revokes it: the MY verifier refuses it (revoked) within one TH block after the block
//     that commits the revocation's state;
//   - the TH ledger stopped: TH credentials fail closed (issuer_ledger_unavailable), MY
//     credentials still verify; TH back: TH credentials verify again;
//   - the MY council withdraws the recognition: refused, ledger_not_recognised.
func TestFederation(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	start := time.Now()
	logf := func(format string, args ...any) {
		t.Helper()
		t.Logf("[%6.1fs] "+format, append([]any{time.Since(start).Seconds()}, args...)...)
	}
	dir := t.TempDir()
	pMY, pTH, err := federated.Ports()
	if err != nil {
		t.Fatal(err)
	}
	th, err := federated.StartCountry(ctx, "TH", binary, filepath.Join(dir, "th"), "amanah-th", "th", pTH, time.Second)
	t.Cleanup(th.Stop)
	if err != nil {
		t.Fatal(err)
	}
	my, err := federated.StartCountry(ctx, "MY", binary, filepath.Join(dir, "my"), "amanah-my", "my", pMY, time.Second)
	t.Cleanup(my.Stop)
	if err != nil {
		t.Fatal(err)
	}
	logf("ledgers up: amanah-th %s, amanah-my %s", th.Net.Node(0).RPCURL(), my.Net.Node(0).RPCURL())
	if err := th.SetupIssuer(ctx, federated.THVCT); err != nil {
		t.Fatal(err)
	}
	if err := my.SetupIssuer(ctx, federated.LocalVCT); err != nil {
		t.Fatal(err)
	}
	if err := my.RecognizeAndRegister(ctx, th); err != nil {
		t.Fatal(err)
	}
	logf("TH issuer %s; MY recognised amanah-th; banks %s (opted in) and %s (not)", th.Issuer, my.Bank, my.Bank2)
	thCred, err := th.Issue(ctx, 7, "Somchai")
	if err != nil {
		t.Fatal(err)
	}
	thCred2, err := th.Issue(ctx, 8, "Malee")
	if err != nil {
		t.Fatal(err)
	}
	myCred, err := my.Issue(ctx, 3, "Aisyah")
	if err != nil {
		t.Fatal(err)
	}
	const freshness = 6 * time.Second
	v, err := federated.StartVerifier(ctx, dir, my, freshness, th)
	t.Cleanup(v.Stop)
	if err != nil {
		t.Fatal(err)
	}
	logf("MY verifier on %s (freshness %s), following amanah-th", v.Addr, freshness)
	verified := func(r *client.Result) bool { return r.Verified }
	refusedWith := func(code reason.Code) func(*client.Result) bool {
		return func(r *client.Result) bool { return r.Reason == string(code) }
	}
	expect := func(what, rp, aud string, cred *federated.Credential, timeout time.Duration, want func(*client.Result) bool) *client.Result {
		t.Helper()
		res, err := v.PresentUntil(ctx, rp, aud, cred, timeout, want)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !want(res) {
			t.Fatalf("%s: verified %v reason %q issuer_ledger %q\nverifier log:\n%s", what, res.Verified, res.Reason,
				res.Raw.IssuerLedger, localnet.FileTail(v.Log, 30))
		}
		logf("%s: verified %v reason %q issuer_ledger %q height %d", what, res.Verified, res.Reason, res.Raw.IssuerLedger, res.Height)
		return res
	}

	// 1. Verified, naming the issuing ledger and the recognition.
	res := expect("TH credential at the opted-in MY bank", my.Bank, federated.Audience, thCred, time.Minute, verified)
	if res.Raw.IssuerLedger != "amanah-th" || res.Raw.Recognition.GetChainId() != "amanah-th" || res.Raw.Recognition.GetVersion() != 1 ||
		res.Raw.Recognition.GetLocalVct() != federated.LocalVCT {
		t.Fatalf("issuer_ledger %q recognition %v", res.Raw.IssuerLedger, res.Raw.Recognition)
	}
	res = expect("MY credential at the MY bank", my.Bank, federated.Audience, myCred, 30*time.Second, verified)
	if res.Raw.IssuerLedger != "amanah-my" || res.Raw.Recognition != nil {
		t.Fatalf("local: issuer_ledger %q recognition %v", res.Raw.IssuerLedger, res.Raw.Recognition)
	}

	// 2. No opt-in.
	expect("TH credential at the MY bank without the opt-in", my.Bank2, federated.OtherAudience, thCred, 0,
		refusedWith(reason.CredentialTypeNotAccepted))

	// 3. TH revokes: refused within one TH block.
	h, err := th.Revoke(ctx, thCred.Index)
	if err != nil {
		t.Fatal(err)
	}
	logf("TH revoked index %d in block %d", thCred.Index, h)
	expect("revoked TH credential", my.Bank, federated.Audience, thCred, 30*time.Second, refusedWith(reason.Revoked))
	thHeight, err := th.Net.Height(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	logf("refused while TH is at height %d (revocation in %d; its state is committed by header %d)", thHeight, h, h+1)
	if thHeight > h+2 {
		t.Fatalf("refused only at TH height %d: more than one block after header %d", thHeight, h+1)
	}

	// 4. TH stopped: its credentials fail closed, MY's still verify; TH back: verified again.
	if err := th.Net.Stop(0); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	logf("TH node stopped")
	expect("TH credential with TH stopped", my.Bank, federated.Audience, thCred2, freshness+30*time.Second,
		refusedWith(reason.IssuerLedgerUnavailable))
	logf("TH credentials fail closed %.1fs after the stop", time.Since(stopped).Seconds())
	expect("MY credential with TH stopped", my.Bank, federated.Audience, myCred, 0, verified)
	if err := th.Net.Start(0); err != nil {
		t.Fatal(err)
	}
	logf("TH node restarted")
	expect("TH credential with TH back", my.Bank, federated.Audience, thCred2, 90*time.Second, verified)

	// 5. The MY council withdraws the recognition.
	if err := my.Withdraw(ctx, "amanah-th", 2); err != nil {
		t.Fatal(err)
	}
	logf("MY council withdrew the recognition of amanah-th")
	expect("TH credential after the withdrawal", my.Bank, federated.Audience, thCred2, 30*time.Second,
		refusedWith(reason.LedgerNotRecognised))
	expect("MY credential after the withdrawal", my.Bank, federated.Audience, myCred, 0, verified)
}
