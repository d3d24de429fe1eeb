package service_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/audit"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/service"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

// TestAudienceNotRegistered: a relying party may bind a challenge only to an audience its
// x/trust registration lists; a presentation is refused in the policy check when the
// registration no longer lists the challenge's audience; a registration without audiences (one
// made before the party's consent was recorded) allows none.
func TestAudienceNotRegistered(t *testing.T) {
	ctx := context.Background()
	env, err := verifiertest.New(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	cache, err := env.NewCache(ledger.Config{Freshness: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.Step(ctx); err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(service.Config{View: cache, Challenges: challenge.NewStore(challenge.Config{}),
		Audit: audit.New(discard{}), Freshness: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	bank := auth.WithParty(ctx, verifiertest.RPDID)
	create := func(aud string) (*verifierpb.CreateChallengeResponse, error) {
		return svc.CreateChallenge(bank, &verifierpb.CreateChallengeRequest{Audience: aud, CredentialTypes: []string{verifiertest.VCT}})
	}
	refused := func(aud string) {
		t.Helper()
		_, err := create(aud)
		if status.Code(err) != codes.PermissionDenied || service.ReasonOfError(err) != reason.AudienceNotRegistered {
			t.Fatalf("audience %q: %v, want PERMISSION_DENIED %s", aud, err, reason.AudienceNotRegistered)
		}
	}
	ch, err := create(verifiertest.Audience)
	if err != nil {
		t.Fatalf("registered audience: %v", err)
	}
	refused(verifiertest.OtherAudience) // another party's
	refused("https://evil.example")
	refused(verifiertest.Audience + "/") // compared bytewise
	refused("decentralized_identifier:" + verifiertest.RPDID)

	// The bank re-registers with another audience after the challenge was made: the
	// presentation for the old audience is refused.
	hd, err := env.Issue(verifiertest.VCT, 1, keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	pres, err := hd.Present(ch.Nonce, verifiertest.Audience, "given_name")
	if err != nil {
		t.Fatal(err)
	}
	env.Chain.PutRelyingParty(ledger.RelyingParty{DID: verifiertest.RPDID, Name: "Bank One",
		AllowedClaims: map[string][]string{verifiertest.VCT: verifiertest.AllowedClaims}, Audiences: []string{"https://new.bank-one.example"}})
	env.Chain.Commit()
	if err := cache.Step(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := svc.VerifyPresentation(bank, &verifierpb.VerifyPresentationRequest{Presentation: pres, Nonce: ch.Nonce})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verified || res.Reason != string(reason.AudienceNotRegistered) {
		t.Fatalf("verified %v reason %q, want %s", res.Verified, res.Reason, reason.AudienceNotRegistered)
	}
	for _, c := range res.Checks {
		if c.Check == string(reason.CheckPolicy) && c.Reason != string(reason.AudienceNotRegistered) {
			t.Fatalf("policy check %+v", c)
		}
	}
	if _, err := create("https://new.bank-one.example"); err != nil {
		t.Fatalf("new audience: %v", err)
	}

	// A registration without audiences (written before consent was required) allows none.
	env.Chain.PutRelyingParty(ledger.RelyingParty{DID: verifiertest.RPDID, Name: "Bank One",
		AllowedClaims: map[string][]string{verifiertest.VCT: verifiertest.AllowedClaims}})
	env.Chain.Commit()
	if err := cache.Step(ctx); err != nil {
		t.Fatal(err)
	}
	refused(verifiertest.Audience)
	refused("https://new.bank-one.example")
}
