package server_test

import (
	"context"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

// BenchmarkVerifyPresentationGRPC is one caller's VerifyPresentation through
// the assembled verifier's gRPC server (interceptors, codec, transport) over
// TCP loopback, on a warm in-memory ledger: the one-request path of the load
// generator's one-caller level. Challenges and presentations are made before
// the timer starts (a CPU profile includes them: focus on processUnaryRPC).
//
//	go test ./verifier/server -run '^$' -bench VerifyPresentationGRPC -cpuprofile cpu.out
func BenchmarkVerifyPresentationGRPC(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env, err := verifiertest.New(keys.Ed25519)
	if err != nil {
		b.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := env.Serve(ctx, lis, nil); err != nil {
		b.Fatal(err)
	}
	go env.KeepFresh(ctx, time.Second)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	cli := verifierpb.NewVerifierClient(conn)
	rctx := metadata.AppendToOutgoingContext(ctx, auth.APIKeyHeader, verifiertest.RPKey)
	holders := make([]*verifiertest.Holder, 16)
	for i := range holders {
		if holders[i], err = env.Issue(verifiertest.VCT, uint64(i), keys.Ed25519); err != nil {
			b.Fatal(err)
		}
	}
	claims := []string{"given_name", "age_over_18"}
	reqs := make([]*verifierpb.VerifyPresentationRequest, b.N+1)
	for i := range reqs {
		ch, err := cli.CreateChallenge(rctx, &verifierpb.CreateChallengeRequest{Audience: verifiertest.Audience,
			CredentialTypes: []string{verifiertest.VCT}, RequestedClaims: claims})
		if err != nil {
			b.Fatal(err)
		}
		p, err := holders[i%len(holders)].Present(ch.Nonce, verifiertest.Audience, claims...)
		if err != nil {
			b.Fatal(err)
		}
		reqs[i] = &verifierpb.VerifyPresentationRequest{Presentation: p, Nonce: ch.Nonce}
	}
	if r, err := cli.VerifyPresentation(rctx, reqs[b.N]); err != nil || !r.Verified { // warm-up
		b.Fatalf("warm-up: %v %v", r, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		r, err := cli.VerifyPresentation(rctx, reqs[i])
		if err != nil || !r.Verified {
			b.Fatalf("not verified: %v %v", r, err)
		}
	}
}
