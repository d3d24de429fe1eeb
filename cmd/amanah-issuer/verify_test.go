package main_test

import (
	"context"
	"testing"
	"time"

	"github.com/amanah-id/amanah/credential/sdjwtvc"
	"github.com/amanah-id/amanah/issuer/chainledger"
	"github.com/amanah-id/amanah/issuer/issuertest"
	"github.com/amanah-id/amanah/issuer/oid4vci"
	"github.com/amanah-id/amanah/issuer/service"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/node"
	"github.com/amanah-id/amanah/verifier/ledger/proved"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// verifyOnLedger checks a batch as Amanah's verifier does: through a proof-checked ledger
// view, the issuer key and the accreditation chain (issuer accredited by the NRD body) at the
// credential's iat. Every credential of the batch carries the same day-coarse iat and exp,
// which is not the issuance time: it is the start of the UTC day or, for an issuer whose
// standing began today (this chain was set up seconds ago), the standing start, which is
// before the issuance (issuedAfter).
func verifyOnLedger(ctx context.Context, t *testing.T, ch *issuertest.Chain, got []oid4vci.Received, issuedAfter time.Time) {
	t.Helper()
	rpc := ch.Net.Node(0).RPCURL()
	lb, err := proved.FetchLightBlock(ctx, rpc, 1, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	v, err := node.Open(node.Options{Root: proved.TrustRoot{ChainID: ch.Net.Config.ChainID, Height: lb.Height, Hash: lb.Hash(), Period: 24 * time.Hour},
		Nodes: []proved.Endpoint{{Name: "node0", URL: rpc}}, AllowPlaintext: true, Cache: ledger.Config{Freshness: 30 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	vctx, stop := context.WithCancel(ctx)
	defer stop()
	go v.Run(vctx)
	for deadline := time.Now().Add(60 * time.Second); v.Cache.Fresh() != nil; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("ledger view never fresh: %v", v.Cache.Fresh())
		}
	}
	vf := &sdjwtvc.Verifier{Resolver: sdjwtvc.IssuerKeyResolverFunc(func(ctx context.Context, iss, kid string, at time.Time) (keys.PublicKey, error) {
		return v.Cache.IssuerKey(ctx, iss, kid, at)
	})}
	var iat, exp time.Time
	for i, c := range got {
		res, err := vf.VerifyIssued(ctx, c.Credential)
		if err != nil {
			t.Fatalf("credential %d: the verifier refuses it: %v", i, err)
		}
		ok, err := v.Cache.Accredited(ctx, res.Issuer, trusttypes.NationalIDVCT, res.IssuedAt)
		if err != nil || !ok {
			t.Fatalf("credential %d: issuer not accredited at iat %s: %v", i, res.IssuedAt, err)
		}
		if i == 0 {
			iat, exp = res.IssuedAt, res.ExpiresAt
		} else if !res.IssuedAt.Equal(iat) || !res.ExpiresAt.Equal(exp) {
			t.Fatalf("credential %d: iat %s exp %s, credential 0 has %s %s", i, res.IssuedAt, res.ExpiresAt, iat, exp)
		}
	}
	// iat is exactly the rule's: the day's start, or the issuer's standing start (rounded up to
	// a whole second, so it may fall in the second of the issuance itself) if that is later.
	standing, err := (&chainledger.Node{DID: ch.Issuer, Conn: ch.Ledger.Conn}).Standing(ctx, trusttypes.NationalIDVCT, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if want, wantBefore := service.IssuanceTime(now, standing), service.IssuanceTime(issuedAfter, standing); !iat.Equal(want) && !iat.Equal(wantBefore) {
		t.Fatalf("iat %s: want %s (the day's start or the issuer's standing start %s)", iat, want, standing)
	}
	if iat.After(now) {
		t.Fatalf("iat %s is after the check (%s)", iat, now)
	}
	t.Logf("batch of %d verified at the shared iat %s (exp %s)", len(got), iat.UTC(), exp.UTC())
}
