package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/verifier/assemble"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/server"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	"github.com/amanah-id/amanah/verifier/verifiertest"
)

// countingListener counts the bytes the server read from its connections.
type countingListener struct {
	net.Listener
	n atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, n: &l.n}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func countingTCP(t *testing.T) *countingListener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return &countingListener{Listener: l}
}

// bodyOf is an io.Reader of n bytes, `{"presentation":"aaa…` (valid JSON
// as far as it goes, so a decoder keeps reading), counting what the client
// sent.
type bodyOf struct {
	left, off int64
	sent      *atomic.Int64
}

const bodyPrefix = `{"presentation":"`

func (b *bodyOf) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	n = min(n, b.left)
	for i := range p[:n] {
		if k := b.off + int64(i); k < int64(len(bodyPrefix)) {
			p[i] = bodyPrefix[k]
		} else {
			p[i] = 'a'
		}
	}
	b.left -= n
	b.off += n
	b.sent.Add(n)
	return int(n), nil
}

const huge = 64 << 20

// TestHugeRESTBodyRefused posts 64 MiB without credentials to the REST
// gateway: the answer is 413 (code RESOURCE_EXHAUSTED, request_too_large),
// and the server read at most about the cap (DefaultMaxRecvMsgSize), with a
// Content-Length (refused before reading the body) and chunked.
func TestHugeRESTBodyRefused(t *testing.T) {
	h := newHarness(t, options{})
	gw, err := h.srv.Gateway(context.Background(), h.conn)
	if err != nil {
		t.Fatal(err)
	}
	for _, chunked := range []bool{false, true} {
		name := map[bool]string{false: "content-length", true: "chunked"}[chunked]
		t.Run(name, func(t *testing.T) {
			lis := countingTCP(t)
			hs := server.NewHTTPServer("", gw, nil)
			go func() { _ = hs.Serve(lis) }()
			defer hs.Close()
			var sent atomic.Int64
			var body io.Reader = &bodyOf{left: huge, sent: &sent}
			req, _ := http.NewRequest(http.MethodPost, "http://"+lis.Addr().String()+"/amanah/verifier/v1/verify", body)
			req.ContentLength = -1
			if !chunked {
				req.ContentLength = huge
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("post: %v (client sent %d bytes, server read %d)", err, sent.Load(), lis.n.Load())
			}
			defer resp.Body.Close()
			var e struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
				t.Fatal(err)
			}
			read := lis.n.Load()
			t.Logf("%s: client sent %d bytes, server read %d (cap %d)", name, sent.Load(), read, server.DefaultMaxRecvMsgSize)
			if resp.StatusCode != http.StatusRequestEntityTooLarge || e.Code != int(codes.ResourceExhausted) ||
				!strings.HasPrefix(e.Message, string(reason.RequestTooLarge)+": ") {
				t.Fatalf("answer %d %+v", resp.StatusCode, e)
			}
			if read > server.DefaultMaxRecvMsgSize+64<<10 {
				t.Fatalf("server read %d bytes of a 64 MiB body, cap %d", read, server.DefaultMaxRecvMsgSize)
			}
		})
	}
	if got := (counter(t, h, "amanah_verifier_rejected_total", "body_too_large")); got != 2 {
		t.Fatalf("rejected_total{cause=body_too_large} = %v, want 2", got)
	}
	// A body under the cap still reaches the service (here: no credentials).
	lis := countingTCP(t)
	hs := server.NewHTTPServer("", gw, nil)
	go func() { _ = hs.Serve(lis) }()
	defer hs.Close()
	resp, err := http.Post("http://"+lis.Addr().String()+"/amanah/verifier/v1/challenges", "application/json",
		strings.NewReader(`{"audience":"a","credential_types":["x"]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("small body: %d", resp.StatusCode)
	}
}

// TestHugeGRPCMessageRefused sends a 64 MiB message without credentials:
// RESOURCE_EXHAUSTED, refused from the length prefix, the server having
// read at most about the cap.
func TestHugeGRPCMessageRefused(t *testing.T) {
	h := newHarness(t, options{})
	lis := countingTCP(t)
	go func() { _ = h.srv.Serve(lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = verifierpb.NewVerifierClient(conn).VerifyPresentation(ctx,
		&verifierpb.VerifyPresentationRequest{Presentation: strings.Repeat("a", huge), Nonce: "n"})
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("64 MiB message: %v, want RESOURCE_EXHAUSTED", err)
	}
	read := lis.n.Load()
	t.Logf("server read %d bytes (cap %d)", read, server.DefaultMaxRecvMsgSize)
	if read > server.DefaultMaxRecvMsgSize+64<<10 {
		t.Fatalf("server read %d bytes of a 64 MiB message, cap %d", read, server.DefaultMaxRecvMsgSize)
	}
}

// TestFailedAuthLimited: a source's failed authentications beyond the
// burst are refused (RESOURCE_EXHAUSTED, rate_limited; 429 over REST)
// before its credentials are looked at, a valid key included; the REST
// gateway forwards each HTTP client's own address, and a gRPC caller cannot
// claim another address with the gateway's metadata.
func TestFailedAuthLimited(t *testing.T) {
	h := newHarness(t, options{assemble: func(c *assemble.Config) { c.FailedAuthLimit = assemble.Limit{PerSecond: 0.001, Burst: 3} }})
	req := &verifierpb.CreateChallengeRequest{Audience: verifiertest.Audience, CredentialTypes: []string{verifiertest.VCT}}
	for i := range 3 {
		_, err := h.client.CreateChallenge(ctxKey("guessed-api-key-number-"+string(rune('0'+i))), req)
		wantCode(t, err, codes.Unauthenticated, reason.Unauthenticated)
	}
	_, err := h.client.CreateChallenge(rp(), req)
	wantCode(t, err, codes.ResourceExhausted, reason.RateLimited)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "too many failed authentications from") {
		t.Fatalf("message %q", msg)
	}
	// Claiming the gateway's forwarded address without its token changes nothing.
	_, err = h.client.CreateChallenge(grpcMD("x-amanah-gateway-peer", "guess 10.9.8.7:1"), req)
	wantCode(t, err, codes.ResourceExhausted, reason.RateLimited)

	// Over REST the source is the HTTP client (127.0.0.1 here, not the
	// bufconn peer that was blocked above).
	gw, err := h.srv.Gateway(context.Background(), h.conn)
	if err != nil {
		t.Fatal(err)
	}
	lis := countingTCP(t)
	hs := server.NewHTTPServer("", gw, nil)
	go func() { _ = hs.Serve(lis) }()
	defer hs.Close()
	post := func(key string) (int, string) {
		r, _ := http.NewRequest(http.MethodPost, "http://"+lis.Addr().String()+"/amanah/verifier/v1/challenges",
			strings.NewReader(`{"audience":"`+verifiertest.Audience+`","credential_types":["`+verifiertest.VCT+`"]}`))
		r.Header.Set("X-Api-Key", key)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := post(verifiertest.RPKey); code != http.StatusOK {
		t.Fatalf("REST client with a valid key: %d %s", code, body)
	}
	for range 3 {
		if code, _ := post("wrong-api-key-0123456789"); code != http.StatusUnauthorized {
			t.Fatalf("wrong key: %d", code)
		}
	}
	code, body := post(verifiertest.RPKey)
	if code != http.StatusTooManyRequests || !strings.Contains(body, "too many failed authentications from 127.0.0.1") {
		t.Fatalf("REST after 3 failures: %d %s", code, body)
	}
	if got := (counter(t, h, "amanah_verifier_rejected_total", "auth_failures")); got != 3 {
		t.Fatalf("rejected_total{cause=auth_failures} = %v, want 3", got)
	}
}

// counter returns a counter of the harness's metrics by name and its one label value.
func counter(t *testing.T, h *harness, name, label string) float64 {
	t.Helper()
	mfs, err := h.metrics.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel()) == 1 && m.GetLabel()[0].GetValue() == label {
				return m.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("no %s{%s}", name, label)
	return 0
}
