package federation_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/audit"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/federation"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/service"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

const (
	myChain = "amanah-my"
	thChain = "amanah-th"
)

// world is an MY verifier over an in-memory MY ledger that recognises an in-memory TH ledger.
type world struct {
	my, th  *verifiertest.Env
	myCache *ledger.Cache
	thCache atomic.Pointer[ledger.Cache]
	thNow   atomic.Int64 // the TH view's clock (unix ns)
	opened  atomic.Int32
	fed     *federation.Federation
	svc     *service.Service
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{}
	var err error
	if w.my, err = verifiertest.New(keys.Ed25519); err != nil {
		t.Fatal(err)
	}
	if w.th, err = verifiertest.NewOn("th", keys.Ed25519); err != nil {
		t.Fatal(err)
	}
	w.thNow.Store(time.Now().UnixNano())
	// The MY council recognises TH's national id (counted as the MY national id; two claims).
	w.my.Chain.PutRecognition(ledger.Recognition{ChainID: thChain, DIDNetwork: "th", RootHeight: 1,
		RootHash: make([]byte, 32), RootPeriod: 24 * time.Hour, Status: ledger.RecognitionActive,
		Types: []ledger.RecognisedType{{ForeignVCT: verifiertest.VCT, LocalVCT: verifiertest.VCT, Claims: []string{"given_name", "age_over_18"}}}})
	// Bank one opts in to TH's national id (given_name only); bank two does not.
	w.my.Chain.PutRelyingParty(ledger.RelyingParty{DID: verifiertest.RPDID, Name: "Bank One",
		AllowedClaims: map[string][]string{verifiertest.VCT: verifiertest.AllowedClaims, verifiertest.OtherVCT: {"given_name"}},
		Audiences:     []string{verifiertest.Audience},
		Foreign:       map[string]map[string][]string{thChain: {verifiertest.VCT: {"given_name"}}}})
	w.my.Chain.Commit()
	if w.myCache, err = w.my.NewCache(ledger.Config{Freshness: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if err := w.myCache.Step(ctx); err != nil {
		t.Fatal(err)
	}
	w.fed, err = federation.New(federation.Config{Local: w.myCache, LocalChainID: myChain,
		LocalNetwork: func(context.Context) (string, error) { return verifiertest.Network, nil },
		Ledgers:      []federation.Foreign{{ChainID: thChain, Nodes: []proved.Endpoint{{Name: "th0", URL: "http://th.invalid"}}}},
		Open: func(root proved.TrustRoot, _ []proved.Endpoint) (federation.Followed, error) {
			if root.ChainID != thChain || root.Height != 1 || root.Period != 24*time.Hour {
				t.Errorf("trust root %+v", root)
			}
			c, err := w.th.NewCache(ledger.Config{Freshness: time.Minute, Poll: time.Hour,
				Now: func() time.Time { return time.Unix(0, w.thNow.Load()) }})
			if err != nil {
				return nil, err
			}
			w.thCache.Store(c)
			w.opened.Add(1)
			return c, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	w.fed.Step(ctx)
	if c := w.thCache.Load(); c == nil {
		t.Fatal("the TH ledger was not opened")
	} else if err := c.Step(ctx); err != nil {
		t.Fatal(err)
	}
	w.svc, err = service.New(service.Config{View: w.myCache, Challenges: challenge.NewStore(challenge.Config{}),
		Audit: audit.New(discard{}), Freshness: time.Hour, Federation: w.fed})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// verify presents a credential of env (status index idx) to rp, disclosing given_name.
func (w *world) verify(t *testing.T, env *verifiertest.Env, idx uint64, rp, aud string) *verifierpb.VerifyPresentationResponse {
	t.Helper()
	return w.verifyVCT(t, env, verifiertest.VCT, idx, rp, aud)
}

func (w *world) verifyVCT(t *testing.T, env *verifiertest.Env, vct string, idx uint64, rp, aud string) *verifierpb.VerifyPresentationResponse {
	t.Helper()
	ctx := auth.WithParty(context.Background(), rp)
	ch, err := w.svc.CreateChallenge(ctx, &verifierpb.CreateChallengeRequest{Audience: aud, CredentialTypes: []string{vct}})
	if err != nil {
		t.Fatal(err)
	}
	hd, err := env.Issue(vct, idx, keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	pres, err := hd.Present(ch.Nonce, aud, "given_name")
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.svc.VerifyPresentation(ctx, &verifierpb.VerifyPresentationRequest{Presentation: pres, Nonce: ch.Nonce,
		Policy: &verifierpb.Policy{RequiredClaims: []string{"given_name"}}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func wantReason(t *testing.T, res *verifierpb.VerifyPresentationResponse, want reason.Code) {
	t.Helper()
	if res.Reason != string(want) || res.Verified != (want == "") {
		t.Fatalf("verified %v reason %q, want %q (checks %v)", res.Verified, res.Reason, want, res.Checks)
	}
}

// TestForeignCredential: a TH credential verifies at an opted-in MY bank, naming the issuing
// ledger and the recognition; a bank without the opt-in refuses it; TH's revocation is seen;
// a stale TH view fails TH credentials only; the MY council's withdrawal refuses them.
func TestForeignCredential(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)

	res := w.verify(t, w.th, 5, verifiertest.RPDID, verifiertest.Audience)
	wantReason(t, res, "")
	if res.IssuerLedger != thChain || res.Recognition.GetChainId() != thChain || res.Recognition.GetVersion() != 1 ||
		res.Recognition.GetLocalVct() != verifiertest.VCT {
		t.Fatalf("issuer_ledger %q recognition %v", res.IssuerLedger, res.Recognition)
	}
	if res.DisclosedClaims["given_name"] != `"Aminah"` {
		t.Fatalf("claims %v", res.DisclosedClaims)
	}
	local := w.verify(t, w.my, 5, verifiertest.RPDID, verifiertest.Audience)
	wantReason(t, local, "")
	if local.IssuerLedger != myChain || local.Recognition != nil {
		t.Fatalf("local: issuer_ledger %q recognition %v", local.IssuerLedger, local.Recognition)
	}

	// Bank two registered the national id locally but did not opt in to TH's.
	wantReason(t, w.verify(t, w.th, 5, verifiertest.OtherRP, verifiertest.OtherAudience), reason.CredentialTypeNotAccepted)

	// TH revokes index 5: the next TH block reaches the MY verifier through its TH view.
	if err := w.th.Chain.SetStatus(verifiertest.ListURI, 5, 1); err != nil {
		t.Fatal(err)
	}
	w.th.Chain.Commit()
	if err := w.thCache.Load().Step(ctx); err != nil {
		t.Fatal(err)
	}
	wantReason(t, w.verify(t, w.th, 5, verifiertest.RPDID, verifiertest.Audience), reason.Revoked)
	wantReason(t, w.verify(t, w.my, 5, verifiertest.RPDID, verifiertest.Audience), "") // MY's list is MY's

	// The TH view goes stale (no TH block for longer than its freshness): TH credentials fail
	// closed, MY credentials still verify.
	w.thNow.Add(int64(time.Hour))
	if res := w.verify(t, w.th, 6, verifiertest.RPDID, verifiertest.Audience); res.IssuerLedger != thChain {
		t.Fatalf("a refusal for an unavailable ledger names %q", res.IssuerLedger)
	} else {
		wantReason(t, res, reason.IssuerLedgerUnavailable)
	}
	wantReason(t, w.verify(t, w.my, 6, verifiertest.RPDID, verifiertest.Audience), "")
	w.thNow.Store(time.Now().UnixNano())
	w.th.Chain.Commit()
	if err := w.thCache.Load().Step(ctx); err != nil {
		t.Fatal(err)
	}
	wantReason(t, w.verify(t, w.th, 6, verifiertest.RPDID, verifiertest.Audience), "")

	// Suspended: refused; reinstated: verified again.
	w.my.Chain.PutRecognition(ledger.Recognition{ChainID: thChain, DIDNetwork: "th", RootHeight: 1, RootHash: make([]byte, 32),
		RootPeriod: 24 * time.Hour, Status: ledger.RecognitionSuspended,
		Types: []ledger.RecognisedType{{ForeignVCT: verifiertest.VCT, LocalVCT: verifiertest.VCT, Claims: []string{"given_name", "age_over_18"}}}})
	w.my.Chain.Commit()
	if err := w.myCache.Step(ctx); err != nil {
		t.Fatal(err)
	}
	wantReason(t, w.verify(t, w.th, 6, verifiertest.RPDID, verifiertest.Audience), reason.LedgerNotRecognised)
	w.my.Chain.PutRecognition(ledger.Recognition{ChainID: thChain, DIDNetwork: "th", RootHeight: 1, RootHash: make([]byte, 32),
		RootPeriod: 24 * time.Hour, Status: ledger.RecognitionActive,
		Types: []ledger.RecognisedType{{ForeignVCT: verifiertest.VCT, LocalVCT: verifiertest.VCT, Claims: []string{"given_name", "age_over_18"}}}})
	w.my.Chain.Commit()
	if err := w.myCache.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if res := w.verify(t, w.th, 6, verifiertest.RPDID, verifiertest.Audience); res.Recognition.GetVersion() != 3 {
		t.Fatalf("reinstated: recognition %v", res.Recognition)
	} else {
		wantReason(t, res, "")
	}

	// The MY council withdraws the recognition: TH credentials are refused, MY ones are not.
	w.my.Chain.PutRecognition(ledger.Recognition{ChainID: thChain, DIDNetwork: "th", RootHeight: 1, RootHash: make([]byte, 32),
		RootPeriod: 24 * time.Hour, Status: ledger.RecognitionWithdrawn})
	w.my.Chain.Commit()
	if err := w.myCache.Step(ctx); err != nil {
		t.Fatal(err)
	}
	wantReason(t, w.verify(t, w.th, 6, verifiertest.RPDID, verifiertest.Audience), reason.LedgerNotRecognised)
	wantReason(t, w.verify(t, w.my, 6, verifiertest.RPDID, verifiertest.Audience), "")
	w.fed.Step(ctx)
	if _, ok := w.fed.Followed(thChain); ok {
		t.Fatal("a withdrawn ledger is still followed")
	}
	if n := w.opened.Load(); n != 1 {
		t.Fatalf("TH opened %d times", n)
	}
}

// TestUnrecognisedNetwork: a DID of a network no recognition names is refused
// ledger_not_recognised; a recognised ledger not recognising the type, credential_type_not_recognised.
func TestUnrecognisedNetwork(t *testing.T) {
	w := newWorld(t)
	sg, err := verifiertest.NewOn("sg", keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	wantReason(t, w.verify(t, sg, 1, verifiertest.RPDID, verifiertest.Audience), reason.LedgerNotRecognised)

	// TH issues OtherVCT, which the recognition does not list.
	wantReason(t, w.verifyVCT(t, w.th, verifiertest.OtherVCT, 1, verifiertest.RPDID, verifiertest.Audience), reason.CredentialTypeNotRecognised)
}

// BenchmarkVerify compares one verification of an own-ledger credential with one of a
// recognised foreign ledger's, through the same service (no transport), caches warm.
func BenchmarkVerify(b *testing.B) {
	t := &testing.T{}
	w := newWorld(t)
	if t.Failed() {
		b.Fatal("world")
	}
	ctx := auth.WithParty(context.Background(), verifiertest.RPDID)
	for _, c := range []struct {
		name string
		env  *verifiertest.Env
	}{{"foreign", w.th}, {"local", w.my}, {"foreign", w.th}, {"local", w.my}} {
		b.Run(c.name, func(b *testing.B) {
			hd, err := c.env.Issue(verifiertest.VCT, 9, keys.Ed25519)
			if err != nil {
				b.Fatal(err)
			}
			type job struct{ pres, nonce string }
			jobs := make([]job, b.N)
			for i := range jobs {
				ch, err := w.svc.CreateChallenge(ctx, &verifierpb.CreateChallengeRequest{Audience: verifiertest.Audience, CredentialTypes: []string{verifiertest.VCT}})
				if err != nil {
					b.Fatal(err)
				}
				p, err := hd.Present(ch.Nonce, verifiertest.Audience, "given_name")
				if err != nil {
					b.Fatal(err)
				}
				jobs[i] = job{p, ch.Nonce}
			}
			b.ResetTimer()
			for i := range jobs {
				res, err := w.svc.VerifyPresentation(ctx, &verifierpb.VerifyPresentationRequest{Presentation: jobs[i].pres, Nonce: jobs[i].nonce})
				if err != nil || !res.Verified {
					b.Fatalf("%v %v", res, err)
				}
			}
		})
	}
}
