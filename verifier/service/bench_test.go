package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/audit"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/service"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

// BenchmarkVerifyPresentation is the service's VerifyPresentation (no gRPC)
// on a warm in-memory ledger: issuer key, accreditation, relying party and
// status page cached. Presentations are made before the timer starts.
func BenchmarkVerifyPresentation(b *testing.B) {
	for _, c := range []struct {
		alg   string
		curve keys.Curve
	}{{"EdDSA", keys.Ed25519}, {"ES256", keys.P256}} {
		b.Run(c.alg, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			env, err := verifiertest.New(c.curve)
			if err != nil {
				b.Fatal(err)
			}
			cache, err := env.NewCache(ledger.Config{Freshness: time.Hour})
			if err != nil {
				b.Fatal(err)
			}
			go cache.Run(ctx)
			for cache.Fresh() != nil {
				time.Sleep(time.Millisecond)
			}
			svc, err := service.New(service.Config{View: cache, Challenges: challenge.NewStore(challenge.Config{}),
				Audit: audit.New(discard{}), Freshness: time.Hour})
			if err != nil {
				b.Fatal(err)
			}
			pctx := auth.WithParty(ctx, verifiertest.RPDID)
			hd, err := env.Issue(verifiertest.VCT, 1, c.curve)
			if err != nil {
				b.Fatal(err)
			}
			reqs := make([]*verifierpb.VerifyPresentationRequest, b.N+1)
			for i := range reqs {
				ch, err := svc.CreateChallenge(pctx, &verifierpb.CreateChallengeRequest{Audience: verifiertest.Audience,
					CredentialTypes: []string{verifiertest.VCT}, RequestedClaims: []string{"given_name", "age_over_18"}})
				if err != nil {
					b.Fatal(err)
				}
				p, err := hd.Present(ch.Nonce, verifiertest.Audience, "given_name", "age_over_18")
				if err != nil {
					b.Fatal(err)
				}
				reqs[i] = &verifierpb.VerifyPresentationRequest{Presentation: p, Nonce: ch.Nonce}
			}
			if r, err := svc.VerifyPresentation(pctx, reqs[b.N]); err != nil || !r.Verified { // warm-up
				b.Fatalf("warm-up: %v %v", r, err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				r, err := svc.VerifyPresentation(pctx, reqs[i])
				if err != nil || !r.Verified {
					b.Fatalf("not verified: %v %v", r, err)
				}
			}
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
