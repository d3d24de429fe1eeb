package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/test/bufconn"

	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/verifier/assemble"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/ledger/ledgertest"
	"github.com/amanah-id/amanah/verifier/metrics"
	"github.com/amanah-id/amanah/verifier/server"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

const unregisteredDID = "did:amanah:testnet:unregistered"
const unregisteredKey = "unregistered-api-key-0123456789"

// clock is a settable test clock.
type clock struct{ off atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) Advance(d time.Duration) { c.off.Add(int64(d)) }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type options struct {
	// challenges configures the challenge store (its clock is the harness's).
	challenges challenge.Config
	svc        func(verifierpb.VerifierServer) verifierpb.VerifierServer
	nodes      int
	// assemble adjusts the verifier's configuration (limits, TLS, reflection).
	assemble func(*assemble.Config)
	dial     []grpc.DialOption
	noWait   bool
	down     bool
}

type harness struct {
	t       *testing.T
	env     *verifiertest.Env
	nodes   []*ledgertest.Node
	cache   *ledger.Cache
	clock   *clock
	srv     *server.Server
	conn    *grpc.ClientConn
	client  verifierpb.VerifierClient
	audit   *syncBuffer
	metrics *metrics.Metrics
	lis     *bufconn.Listener
}

func newHarness(t *testing.T, o options) *harness {
	t.Helper()
	env, err := verifiertest.New(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, env: env, clock: &clock{}, audit: &syncBuffer{}}
	env.Chain.SetClock(h.clock.Now) // blocks are stamped by the test's clock
	h.nodes = []*ledgertest.Node{env.Node}
	for i := 1; i < o.nodes; i++ {
		h.nodes = append(h.nodes, env.Chain.NewNode("node-"+string(rune('0'+i))))
	}
	o.challenges.Now = h.clock.Now
	cfg := assemble.Config{
		Clients: []auth.Client{
			{DID: verifiertest.RPDID, APIKeys: []string{verifiertest.RPKey}, CertNames: []string{verifiertest.RPDID}},
			{DID: verifiertest.OtherRP, APIKeys: []string{verifiertest.OtherKey}},
			{DID: unregisteredDID, APIKeys: []string{unregisteredKey}},
		},
		Challenges: o.challenges, Verify: sdjwt.Options{Now: h.clock.Now}, Audit: h.audit, Metrics: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Wrap: o.svc,
	}
	if o.assemble != nil {
		o.assemble(&cfg)
	}
	v, err := assemble.New(cfg, func(obs ledger.Observer) (assemble.Ledger, error) {
		cache, err := env.NewCache(ledger.Config{Freshness: 15 * time.Second, Now: h.clock.Now, Observer: obs,
			QueryTimeout: time.Second}, h.nodes...)
		return assemble.Ledger{Cache: cache}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	h.cache, h.metrics, h.srv = v.Cache, v.Metrics, v.Server
	if o.down {
		env.Node.SetDown(true)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.cache.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	h.lis = bufconn.Listen(1 << 20)
	go func() { _ = h.srv.Serve(h.lis) }()
	t.Cleanup(func() { h.srv.GRPC.Stop() })
	dial := append([]grpc.DialOption{
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return h.lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
	}, o.dial...)
	h.conn, err = grpc.NewClient("passthrough:///bufnet", dial...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.conn.Close() })
	h.client = verifierpb.NewVerifierClient(h.conn)
	if !o.noWait {
		h.waitHeight(env.Chain.Height())
	}
	return h
}

// waitHeight polls until the cache has applied height, or fails after 5 s.
func (h *harness) waitHeight(height int64) {
	h.t.Helper()
	h.waitFor("ledger height", func() bool { return h.cache.Sync().Height >= height })
}

func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// commit commits a block and waits until the verifier has applied it.
func (h *harness) commit() {
	h.t.Helper()
	b := h.env.Chain.Commit()
	h.waitHeight(b.Height)
}

func ctxKey(key string) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), auth.APIKeyHeader, key)
}

func rp() context.Context { return ctxKey(verifiertest.RPKey) }

// challenge asks for a challenge as bank-one.
func (h *harness) challenge(types []string, claims ...string) *verifierpb.CreateChallengeResponse {
	h.t.Helper()
	if types == nil {
		types = []string{verifiertest.VCT}
	}
	resp, err := h.client.CreateChallenge(rp(), &verifierpb.CreateChallengeRequest{Audience: verifiertest.Audience,
		CredentialTypes: types, RequestedClaims: claims})
	if err != nil {
		h.t.Fatalf("CreateChallenge: %v", err)
	}
	return resp
}

func (h *harness) holder(idx uint64) *verifiertest.Holder {
	h.t.Helper()
	hd, err := h.env.Issue(verifiertest.VCT, idx, keys.Ed25519)
	if err != nil {
		h.t.Fatal(err)
	}
	return hd
}

func (h *harness) present(hd *verifiertest.Holder, nonce string, paths ...string) string {
	h.t.Helper()
	p, err := hd.Present(nonce, verifiertest.Audience, paths...)
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

func (h *harness) verify(ctx context.Context, pres, nonce string, pol *verifierpb.Policy) *verifierpb.VerifyPresentationResponse {
	h.t.Helper()
	resp, err := h.client.VerifyPresentation(ctx, &verifierpb.VerifyPresentationRequest{Presentation: pres, Nonce: nonce, Policy: pol})
	if err != nil {
		h.t.Fatalf("VerifyPresentation: %v", err)
	}
	return resp
}

// warm verifies one presentation so that the issuer key and status page are cached.
func (h *harness) warm() {
	h.t.Helper()
	ch := h.challenge(nil)
	if r := h.verify(rp(), h.present(h.holder(1), ch.Nonce), ch.Nonce, nil); !r.Verified {
		h.t.Fatalf("warm-up not verified: %s", r.Reason)
	}
}

func grpcMD(k, v string) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), k, v)
}
