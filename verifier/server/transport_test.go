package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/verifier/assemble"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/server"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

func TestUnauthenticated(t *testing.T) {
	h := newHarness(t, options{})
	req := &verifierpb.CreateChallengeRequest{Audience: verifiertest.Audience, CredentialTypes: []string{verifiertest.VCT}}
	_, err := h.client.CreateChallenge(context.Background(), req)
	wantCode(t, err, codes.Unauthenticated, reason.Unauthenticated)
	_, err = h.client.CreateChallenge(ctxKey("not-a-known-api-key-at-all"), req)
	wantCode(t, err, codes.Unauthenticated, reason.Unauthenticated)
	if !strings.HasPrefix(status.Convert(err).Message(), string(reason.Unauthenticated)+": ") {
		t.Errorf("message %q lacks the reason prefix", status.Convert(err).Message())
	}
	_, err = h.client.VerifyPresentation(context.Background(), &verifierpb.VerifyPresentationRequest{Presentation: "x~", Nonce: "n"})
	wantCode(t, err, codes.Unauthenticated, reason.Unauthenticated)
	_, err = h.client.ResolveDid(context.Background(), &verifierpb.ResolveDidRequest{Did: h.env.IssuerDID})
	wantCode(t, err, codes.Unauthenticated, reason.Unauthenticated)
	_, err = h.client.CheckStatus(context.Background(), &verifierpb.CheckStatusRequest{Issuer: h.env.IssuerDID, Uri: verifiertest.ListURI})
	wantCode(t, err, codes.Unauthenticated, reason.Unauthenticated)
	// Health needs no credentials.
	if _, err := healthpb.NewHealthClient(h.conn).Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatalf("health without credentials: %v", err)
	}
	// The bearer form works.
	_, err = h.client.CreateChallenge(withBearer(verifiertest.RPKey), req)
	if err != nil {
		t.Fatalf("bearer: %v", err)
	}
}

func withBearer(k string) context.Context {
	return grpcMD("authorization", "Bearer "+k)
}

func TestRateLimit(t *testing.T) {
	h := newHarness(t, options{assemble: func(c *assemble.Config) { c.RateLimit = assemble.Limit{PerSecond: 0.001, Burst: 3} }})
	req := &verifierpb.CreateChallengeRequest{Audience: verifiertest.Audience, CredentialTypes: []string{verifiertest.VCT}}
	for i := range 3 {
		if _, err := h.client.CreateChallenge(rp(), req); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	_, err := h.client.CreateChallenge(rp(), req)
	wantCode(t, err, codes.ResourceExhausted, reason.RateLimited)
	if !strings.HasPrefix(status.Convert(err).Message(), string(reason.RateLimited)+": ") {
		t.Errorf("message %q lacks the reason prefix", status.Convert(err).Message())
	}
	// Another relying party has its own bucket.
	other := &verifierpb.CreateChallengeRequest{Audience: verifiertest.OtherAudience, CredentialTypes: []string{verifiertest.VCT}}
	if _, err := h.client.CreateChallenge(ctxKey(verifiertest.OtherKey), other); err != nil {
		t.Fatalf("other party limited: %v", err)
	}
}

// TestChallengeStoreFull: a relying party with too many outstanding
// challenges (or a full store) is refused with RESOURCE_EXHAUSTED,
// rate_limited, until its challenges expire.
func TestChallengeStoreFull(t *testing.T) {
	req := &verifierpb.CreateChallengeRequest{Audience: verifiertest.Audience, CredentialTypes: []string{verifiertest.VCT}}
	other := &verifierpb.CreateChallengeRequest{Audience: verifiertest.OtherAudience, CredentialTypes: []string{verifiertest.VCT}}
	t.Run("per party", func(t *testing.T) {
		h := newHarness(t, options{challenges: challenge.Config{MaxPerParty: 2}})
		for i := range 2 {
			if _, err := h.client.CreateChallenge(rp(), req); err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		_, err := h.client.CreateChallenge(rp(), req)
		wantCode(t, err, codes.ResourceExhausted, reason.RateLimited)
		// Another relying party has room of its own.
		if _, err := h.client.CreateChallenge(ctxKey(verifiertest.OtherKey), other); err != nil {
			t.Fatalf("other party: %v", err)
		}
		// Once the challenges expire, the party may ask again.
		h.clock.Advance(challenge.DefaultTTL)
		h.commit() // keep the ledger view within its freshness bound
		if _, err := h.client.CreateChallenge(rp(), req); err != nil {
			t.Fatalf("after expiry: %v", err)
		}
	})
	t.Run("whole store", func(t *testing.T) {
		h := newHarness(t, options{challenges: challenge.Config{Max: 2}})
		for i, r := range []struct {
			key string
			req *verifierpb.CreateChallengeRequest
		}{{verifiertest.RPKey, req}, {verifiertest.OtherKey, other}} {
			if _, err := h.client.CreateChallenge(ctxKey(r.key), r.req); err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		_, err := h.client.CreateChallenge(rp(), req)
		wantCode(t, err, codes.ResourceExhausted, reason.RateLimited)
	})
}

type panicky struct{ verifierpb.VerifierServer }

func (panicky) CheckStatus(context.Context, *verifierpb.CheckStatusRequest) (*verifierpb.CheckStatusResponse, error) {
	panic("boom")
}

func TestPanicRecovered(t *testing.T) {
	h := newHarness(t, options{svc: func(s verifierpb.VerifierServer) verifierpb.VerifierServer { return panicky{s} }})
	_, err := h.client.CheckStatus(rp(), &verifierpb.CheckStatusRequest{Issuer: h.env.IssuerDID, Uri: verifiertest.ListURI})
	wantCode(t, err, codes.Internal, reason.Internal)
	if strings.Contains(err.Error(), "boom") {
		t.Errorf("panic value leaked to the client: %v", err)
	}
	// The server still serves.
	if _, err := h.client.CheckStatus(rp(), &verifierpb.CheckStatusRequest{Issuer: h.env.IssuerDID, Uri: verifiertest.ListURI}); status.Code(err) != codes.Internal {
		t.Fatalf("second call: %v", err)
	}
	h.challenge(nil)
}

func healthStatus(t *testing.T, h *harness) healthpb.HealthCheckResponse_ServingStatus {
	t.Helper()
	r, err := healthpb.NewHealthClient(h.conn).Check(context.Background(), &healthpb.HealthCheckRequest{Service: server.ServiceName})
	if err != nil {
		t.Fatalf("health: %v", err)
	}
	return r.Status
}

func TestHealthFollowsLedger(t *testing.T) {
	h := newHarness(t, options{noWait: true, down: true}) // never synced
	if h.srv.CheckHealth() || healthStatus(t, h) != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatal("serving before the ledger view synced")
	}
	h.env.Node.SetDown(false)
	h.env.Chain.Commit()
	h.waitFor("serving", h.srv.CheckHealth)
	if healthStatus(t, h) != healthpb.HealthCheckResponse_SERVING {
		t.Fatal("not serving after sync")
	}
	h.clock.Advance(16*time.Second + ledger.DefaultClockSkew) // past the bound and the clock skew
	if h.srv.CheckHealth() || healthStatus(t, h) != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatal("serving past the freshness bound")
	}
	h.commit()
	if !h.srv.CheckHealth() {
		t.Fatal("not serving after a fresh block")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Shutdown flips health before stopping: a Watch stream sees NOT_SERVING.
	w, err := healthpb.NewHealthClient(h.conn).Watch(ctx, &healthpb.HealthCheckRequest{Service: server.ServiceName})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := w.Recv(); err != nil || r.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("watch: %v %v", r, err)
	}
	go h.srv.Shutdown(ctx)
	r, err := w.Recv()
	if err == nil && r.Status != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("after shutdown: %v", r.Status)
	}
}

func TestFailClosedWhenStale(t *testing.T) {
	h := newHarness(t, options{})
	h.warm()
	ch := h.challenge(nil)
	pres := h.present(h.holder(1), ch.Nonce)
	// Every node down and the freshness bound passed: no answer rests on the ledger.
	h.env.Node.SetDown(true)
	h.clock.Advance(16*time.Second + ledger.DefaultClockSkew) // past the bound and the clock skew
	_, err := h.client.VerifyPresentation(rp(), &verifierpb.VerifyPresentationRequest{Presentation: pres, Nonce: ch.Nonce})
	wantCode(t, err, codes.Unavailable, reason.StatusUnknown)
	_, err = h.client.CreateChallenge(rp(), &verifierpb.CreateChallengeRequest{Audience: verifiertest.Audience, CredentialTypes: []string{verifiertest.VCT}})
	wantCode(t, err, codes.Unavailable, reason.StatusUnknown)
	_, err = h.client.CheckStatus(rp(), &verifierpb.CheckStatusRequest{Issuer: h.env.IssuerDID, Uri: verifiertest.ListURI, Index: 1})
	wantCode(t, err, codes.Unavailable, reason.StatusUnknown)
	_, err = h.client.ResolveDid(rp(), &verifierpb.ResolveDidRequest{Did: h.env.IssuerDID})
	wantCode(t, err, codes.Unavailable, reason.StatusUnknown)
}

func TestLaggingNodeAndFailover(t *testing.T) {
	h := newHarness(t, options{nodes: 2})
	fresh, lagging := h.nodes[0], h.nodes[1]
	lagging.SetLag(1)
	h.commit()
	h.commit()
	h.warm()
	if lagging.Queries() != 0 || fresh.Queries() == 0 {
		t.Fatalf("queries: fresh %d lagging %d; want only the fresh node", fresh.Queries(), lagging.Queries())
	}
	// The fresh node stops: queries fail over to the other one.
	fresh.SetDown(true)
	lagging.SetLag(0)
	h.commit()
	if err := h.env.Chain.SetStatus(verifiertest.ListURI, 9, 1); err != nil {
		t.Fatal(err)
	}
	h.commit()
	ch := h.challenge(nil)
	if r := h.verify(rp(), h.present(h.holder(9), ch.Nonce), ch.Nonce, nil); r.Reason != string(reason.Revoked) {
		t.Fatalf("after failover: %s", r.Reason)
	}
	if lagging.Queries() == 0 {
		t.Fatal("no query reached the remaining node")
	}
}

func TestAuditHasNoClaimValues(t *testing.T) {
	h := newHarness(t, options{})
	ch := h.challenge(nil, "given_name", "family_name", "nationality")
	pres := h.present(h.holder(1), ch.Nonce, "given_name", "family_name", "nationality", "address", "birthdate")
	if r := h.verify(rp(), pres, ch.Nonce, nil); !r.Verified || len(r.DisclosedClaims) != 3 {
		t.Fatalf("verify: %v %v", r.Reason, r.DisclosedClaims)
	}
	h.verify(rp(), pres, ch.Nonce, nil) // a refusal is audited too
	log := h.audit.String()
	for _, v := range []string{"Aminah", "Binti Yusof", "1990-04-01", "Kuala Lumpur", "50450", `"MY"`} {
		if strings.Contains(log, v) {
			t.Errorf("audit log contains claim value %q", v)
		}
	}
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d audit records, want 2:\n%s", len(lines), log)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["client"] != verifiertest.RPDID || rec["vct"] != verifiertest.VCT || rec["verified"] != true ||
		len(rec["presentation_sha256"].(string)) != 64 || rec["height"].(float64) < 1 {
		t.Errorf("record %v", rec)
	}
	if !strings.Contains(lines[1], `"reason":"nonce_replayed"`) {
		t.Errorf("refusal record %s", lines[1])
	}
}

func TestResolveDidAndCheckStatus(t *testing.T) {
	h := newHarness(t, options{})
	r, err := h.client.ResolveDid(rp(), &verifierpb.ResolveDidRequest{Did: h.env.IssuerDID})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.AssertionKeys) != 1 || r.AssertionKeys[0].Id != h.env.IssuerDID+verifiertest.KeyFrag || r.AssertionKeys[0].Curve != "Ed25519" ||
		!strings.Contains(r.AssertionKeys[0].PublicKeyJwk, `"OKP"`) || r.LedgerHeight < 1 {
		t.Fatalf("resolve: %+v", r)
	}
	_, err = h.client.ResolveDid(rp(), &verifierpb.ResolveDidRequest{Did: "did:amanah:testnet:nobody"})
	wantCode(t, err, codes.NotFound, "")
	_, err = h.client.ResolveDid(rp(), &verifierpb.ResolveDidRequest{Did: "not a did"})
	wantCode(t, err, codes.InvalidArgument, reason.RequestInvalid)
	_, err = h.client.ResolveDid(rp(), &verifierpb.ResolveDidRequest{Did: "did:amanah:x:" + strings.Repeat("a", 3000)})
	wantCode(t, err, codes.InvalidArgument, reason.RequestTooLarge)

	if err := h.env.Chain.SetStatus(verifiertest.ListURI, 5, 2); err != nil {
		t.Fatal(err)
	}
	h.commit()
	for idx, want := range map[uint32]string{4: "valid", 5: "suspended"} {
		s, err := h.client.CheckStatus(rp(), &verifierpb.CheckStatusRequest{Issuer: h.env.IssuerDID, Uri: verifiertest.ListURI, Index: idx})
		if err != nil || s.Status != want || s.LedgerHeight != h.env.Chain.Height() {
			t.Fatalf("status %d: %v %v", idx, s, err)
		}
	}
	_, err = h.client.CheckStatus(rp(), &verifierpb.CheckStatusRequest{Issuer: h.env.IssuerDID, Uri: verifiertest.ListURI, Index: verifiertest.ListSize})
	wantCode(t, err, codes.NotFound, reason.StatusInvalid)
	_, err = h.client.CheckStatus(rp(), &verifierpb.CheckStatusRequest{})
	wantCode(t, err, codes.InvalidArgument, reason.RequestInvalid)
}

// TestReflectionOffByDefault: without Config.Reflection the server does
// not describe itself.
func TestReflectionOffByDefault(t *testing.T) {
	h := newHarness(t, options{})
	stream, err := reflectpb.NewServerReflectionClient(h.conn).ServerReflectionInfo(context.Background())
	if err == nil {
		_ = stream.Send(&reflectpb.ServerReflectionRequest{MessageRequest: &reflectpb.ServerReflectionRequest_ListServices{}})
		_, err = stream.Recv()
	}
	if status.Code(err) != codes.Unimplemented {
		t.Fatalf("reflection without the flag: %v, want Unimplemented", err)
	}
}

func TestReflection(t *testing.T) {
	h := newHarness(t, options{assemble: func(c *assemble.Config) { c.Reflection = true }})
	stream, err := reflectpb.NewServerReflectionClient(h.conn).ServerReflectionInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stream.CloseSend() }()
	for _, req := range []*reflectpb.ServerReflectionRequest{
		{MessageRequest: &reflectpb.ServerReflectionRequest_ListServices{}},
		{MessageRequest: &reflectpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: server.ServiceName}},
	} {
		if err := stream.Send(req); err != nil {
			t.Fatal(err)
		}
		resp, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		switch r := resp.MessageResponse.(type) {
		case *reflectpb.ServerReflectionResponse_ListServicesResponse:
			found := false
			for _, s := range r.ListServicesResponse.Service {
				found = found || s.Name == server.ServiceName
			}
			if !found {
				t.Fatalf("services %v", r.ListServicesResponse.Service)
			}
		case *reflectpb.ServerReflectionResponse_FileDescriptorResponse:
			if len(r.FileDescriptorResponse.FileDescriptorProto) == 0 {
				t.Fatal("no descriptor")
			}
		default:
			t.Fatalf("reflection answered %T: %v", r, resp)
		}
	}
}

func TestRESTGateway(t *testing.T) {
	h := newHarness(t, options{})
	gw, err := h.srv.Gateway(context.Background(), h.conn)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(gw)
	defer hs.Close()
	post := func(path, key, body string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, hs.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("X-Api-Key", key)
		}
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %s", path, b)
		}
		return resp.StatusCode, m
	}
	code, m := post("/amanah/verifier/v1/challenges", verifiertest.RPKey,
		`{"audience":"`+verifiertest.Audience+`","credential_types":["`+verifiertest.VCT+`"],"requested_claims":["given_name"]}`)
	if code != http.StatusOK || m["nonce"] == "" {
		t.Fatalf("challenge: %d %v", code, m)
	}
	nonce := m["nonce"].(string)
	pres := h.present(h.holder(1), nonce, "given_name")
	body, _ := json.Marshal(map[string]any{"presentation": pres, "nonce": nonce, "policy": map[string]any{"required_claims": []string{"given_name"}}})
	code, m = post("/amanah/verifier/v1/verify", verifiertest.RPKey, string(body))
	if code != http.StatusOK || m["verified"] != true || m["disclosed_claims"].(map[string]any)["given_name"] != `"Aminah"` {
		t.Fatalf("verify: %d %v", code, m)
	}
	code, _ = post("/amanah/verifier/v1/challenges", "", `{"audience":"a","credential_types":["x"]}`)
	if code != http.StatusUnauthorized {
		t.Fatalf("no key: %d", code)
	}
	resp, err := hs.Client().Get(hs.URL + "/amanah/verifier/v1/status?uri=" + url.QueryEscape(verifiertest.ListURI) + "&index=3")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET without key: %d", resp.StatusCode)
	}
}

// TestMutualTLS authenticates by client certificate: its URI SAN names the
// relying party's DID.
func TestMutualTLS(t *testing.T) {
	ca, caKey := newCA(t)
	srvCert := leaf(t, ca, caKey, "verifier", nil, true)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	serverTLS := &tls.Config{Certificates: []tls.Certificate{srvCert}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS13}
	rpURI, _ := url.Parse(verifiertest.RPDID)
	for _, c := range []struct {
		name string
		uris []*url.URL
		cn   string
		want codes.Code
	}{
		{"bound certificate", []*url.URL{rpURI}, "bank-one", codes.OK},
		{"unbound certificate", nil, "stranger", codes.Unauthenticated},
	} {
		t.Run(c.name, func(t *testing.T) {
			cli := leaf(t, ca, caKey, c.cn, c.uris, false)
			clientTLS := &tls.Config{Certificates: []tls.Certificate{cli}, RootCAs: pool, ServerName: "verifier", MinVersion: tls.VersionTLS13}
			h := newHarness(t, options{
				assemble: func(cfg *assemble.Config) { cfg.TLS = serverTLS },
				dial:     []grpc.DialOption{grpc.WithTransportCredentials(credentials.NewTLS(clientTLS))},
			})
			_, err := h.client.CreateChallenge(context.Background(), &verifierpb.CreateChallengeRequest{Audience: verifiertest.Audience, CredentialTypes: []string{verifiertest.VCT}})
			if status.Code(err) != c.want {
				t.Fatalf("code %v (%v), want %v", status.Code(err), err, c.want)
			}
			if c.want == codes.Unauthenticated {
				wantCode(t, err, codes.Unauthenticated, reason.Unauthenticated)
			}
		})
	}
}

func newCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c, k
}

func leaf(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, cn string, uris []*url.URL, isServer bool) tls.Certificate {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	usage := x509.ExtKeyUsageClientAuth
	var dns []string
	if isServer {
		usage, dns = x509.ExtKeyUsageServerAuth, []string{cn}
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn}, URIs: uris, DNSNames: dns,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{usage}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tpl, ca, &k.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k}
}

func TestMetricsExposed(t *testing.T) {
	h := newHarness(t, options{})
	h.warm()
	_, _ = h.client.CreateChallenge(context.Background(), &verifierpb.CreateChallengeRequest{})
	hs := httptest.NewServer(h.metrics.Handler())
	defer hs.Close()
	resp, err := hs.Client().Get(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`amanah_verifier_requests_total{code="OK",method="/amanah.verifier.v1.Verifier/VerifyPresentation"} 1`,
		`amanah_verifier_requests_total{code="Unauthenticated",method="/amanah.verifier.v1.Verifier/CreateChallenge"} 1`,
		`amanah_verifier_request_duration_seconds_bucket{method="/amanah.verifier.v1.Verifier/VerifyPresentation"`,
		`amanah_verifier_verifications_total{reason="",result="verified"} 1`,
		`amanah_verifier_ledger_cache_lookups_total{kind="status",result="miss"}`,
		`amanah_verifier_ledger_cache_lookups_total{kind="did",result="hit"}`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestRESTResolveDid(t *testing.T) {
	h := newHarness(t, options{})
	gw, err := h.srv.Gateway(context.Background(), h.conn)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(gw)
	defer hs.Close()
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/amanah/verifier/v1/dids/"+h.env.IssuerDID, nil)
	req.Header.Set("X-Api-Key", verifiertest.RPKey)
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m struct {
		Did           string `json:"did"`
		AssertionKeys []struct {
			ID string `json:"id"`
		} `json:"assertion_keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	if m.Did != h.env.IssuerDID || len(m.AssertionKeys) != 1 || m.AssertionKeys[0].ID != h.env.IssuerDID+verifiertest.KeyFrag {
		t.Fatalf("%+v", m)
	}
}
