// Package server assembles the verifier's gRPC server: the interceptor chain
// (recovery, metrics, authentication with a per-source limit on failures,
// per-party rate limit), grpc.health.v1 driven by the ledger view's
// freshness, reflection (when asked for), the grpc-gateway REST handler with
// its body cap and timeouts, and graceful shutdown.
package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	goruntime "runtime"
	"runtime/debug"
	"strings"
	"time"

	gateway "github.com/cosmos/gogogateway"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors"
	grpcauth "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/auth"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/selector"
	"github.com/grpc-ecosystem/grpc-gateway/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/reflection"
	reflectv1 "google.golang.org/grpc/reflection/grpc_reflection_v1"
	reflectv1alpha "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"

	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/metrics"
	"github.com/amanah-id/amanah/verifier/reason"
	"github.com/amanah-id/amanah/verifier/service"
	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// ServiceName is the gRPC service name, also the health service name.
const ServiceName = "amanah.verifier.v1.Verifier"

// DefaultMaxRecvMsgSize bounds a request message; larger ones are refused by
// gRPC itself (RESOURCE_EXHAUSTED) from the message's length prefix, before
// the message is read or anyone is authenticated. The REST gateway applies
// the same cap to request bodies (413).
const DefaultMaxRecvMsgSize = 256 << 10

// Timeouts of the HTTP servers (REST gateway, metrics) and gRPC connections.
const (
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout bounds reading a whole request (headers and body).
	ReadTimeout = 15 * time.Second
	// WriteTimeout bounds handling a request and writing its answer.
	WriteTimeout = 60 * time.Second
	// IdleTimeout closes a keep-alive connection idle that long; gRPC
	// connections idle that long are closed (GOAWAY) too.
	IdleTimeout = 2 * time.Minute
	// HandshakeTimeout bounds a gRPC connection's (TLS) handshake.
	HandshakeTimeout = 10 * time.Second
	// MaxHeaderBytes bounds an HTTP request's headers.
	MaxHeaderBytes = 16 << 10
)

// Config configures a Server.
type Config struct {
	// Service is the Verifier implementation; required.
	Service verifierpb.VerifierServer
	// Auth authenticates relying parties; required.
	Auth *auth.Authenticator
	// Limiter limits each party's request rate; nil means no limit.
	Limiter *auth.Limiter
	// FailedAuth limits failed authentications per source address; nil
	// means no limit.
	FailedAuth *auth.FailureLimiter
	// Reflection registers gRPC server reflection (for grpcurl and the
	// like; development configurations).
	Reflection bool
	// Metrics records requests; may be nil.
	Metrics *metrics.Metrics
	// Ready reports whether the ledger view may answer (nil error): health
	// is SERVING only then.
	Ready func() error
	// TLS enables TLS (with client certificates when ClientAuth asks).
	TLS *tls.Config
	// MaxRecvMsgSize bounds requests, gRPC messages and REST bodies alike
	// (DefaultMaxRecvMsgSize if 0).
	MaxRecvMsgSize int
	// Logger logs panics and health changes (slog.Default if nil).
	Logger *slog.Logger
}

// StreamWorkers is the number of goroutines that run calls: eight per
// GOMAXPROCS.
func StreamWorkers() int { return 8 * goruntime.GOMAXPROCS(0) }

// Server is the verifier's gRPC server.
type Server struct {
	// GRPC is the underlying server.
	GRPC   *grpc.Server
	health *health.Server
	cfg    Config
	// gatewayToken marks the source address the REST gateway forwards:
	// only metadata carrying it is believed.
	gatewayToken string
}

// peerHeader is the metadata key by which the REST gateway tells the gRPC
// server the HTTP client's address ("<token> <address>").
const peerHeader = "x-amanah-gateway-peer"

// open reports methods that need no relying-party credentials.
func open(_ context.Context, c interceptors.CallMeta) bool {
	return c.Service != "grpc.health.v1.Health" && !strings.HasPrefix(c.Service, "grpc.reflection.")
}

// New builds the server and registers the Verifier, health and reflection services.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxRecvMsgSize <= 0 {
		cfg.MaxRecvMsgSize = DefaultMaxRecvMsgSize
	}
	log := cfg.Logger
	onPanic := func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in handler", "panic", p, "stack", string(debug.Stack()))
		return service.Error(codes.Internal, reason.Internal, "internal error")
	}
	chain := []grpc.UnaryServerInterceptor{
		recovery.UnaryServerInterceptor(recovery.WithRecoveryHandlerContext(onPanic)),
	}
	if cfg.Metrics != nil {
		chain = append(chain, cfg.Metrics.UnaryServerInterceptor())
	}
	var tok [16]byte
	_, _ = rand.Read(tok[:])
	s := &Server{health: health.NewServer(), cfg: cfg, gatewayToken: base64.RawURLEncoding.EncodeToString(tok[:])}
	authn := cfg.Auth.UnaryServerInterceptor()
	if cfg.FailedAuth != nil {
		authn = cfg.Auth.UnaryServerInterceptorLimited(cfg.FailedAuth, s.Source, s.rejected(metrics.RejectedAuthFailures))
	}
	chain = append(chain, selector.UnaryServerInterceptor(authn, selector.MatchFunc(open)))
	if cfg.Limiter != nil {
		chain = append(chain, selector.UnaryServerInterceptor(cfg.Limiter.UnaryServerInterceptor(), selector.MatchFunc(open)))
	}
	// Streams (AwaitPresentationResult): recovery and authentication, as for unary calls.
	streamChain := []grpc.StreamServerInterceptor{
		recovery.StreamServerInterceptor(recovery.WithRecoveryHandlerContext(onPanic)),
		selector.StreamServerInterceptor(grpcauth.StreamServerInterceptor(cfg.Auth.AuthFunc), selector.MatchFunc(open)),
	}
	opts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(chain...),
		grpc.ChainStreamInterceptor(streamChain...),
		grpc.MaxRecvMsgSize(cfg.MaxRecvMsgSize),
		grpc.ConnectionTimeout(HandshakeTimeout),
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionIdle: IdleTimeout}),
		// Calls run on long-lived workers rather than a new goroutine each:
		// a verification needs a deep stack (signature checks), which a new
		// goroutine grows by copying, several times, on every call (about a
		// twentieth of a call's CPU). Over StreamWorkers calls at once, the
		// others get a goroutine each as before.
		grpc.NumStreamWorkers(uint32(StreamWorkers())),
	}
	if cfg.TLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg.TLS)))
	}
	s.GRPC = grpc.NewServer(opts...)
	verifierpb.RegisterVerifierServer(s.GRPC, cfg.Service)
	healthpb.RegisterHealthServer(s.GRPC, s.health)
	if cfg.Metrics != nil {
		cfg.Metrics.InitializeGRPC(s.GRPC)
	}
	if cfg.Reflection {
		// Descriptors of gogoproto-generated services live in gogoproto's registry.
		ropts := reflection.ServerOptions{Services: s.GRPC, DescriptorResolver: gogoproto.HybridResolver}
		reflectv1.RegisterServerReflectionServer(s.GRPC, reflection.NewServerV1(ropts))
		reflectv1alpha.RegisterServerReflectionServer(s.GRPC, reflection.NewServer(ropts))
	}
	s.setServing(false)
	return s
}

func (s *Server) setServing(ok bool) {
	st := healthpb.HealthCheckResponse_NOT_SERVING
	if ok {
		st = healthpb.HealthCheckResponse_SERVING
	}
	s.health.SetServingStatus("", st)
	s.health.SetServingStatus(ServiceName, st)
}

// CheckHealth sets the health status from Ready once and returns it.
func (s *Server) CheckHealth() bool {
	ok := s.cfg.Ready == nil || s.cfg.Ready() == nil
	s.setServing(ok)
	return ok
}

// WatchHealth updates the health status every interval until ctx ends.
func (s *Server) WatchHealth(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	last := s.CheckHealth()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if ok := s.CheckHealth(); ok != last {
				s.cfg.Logger.Info("health changed", "serving", ok)
				last = ok
			}
		}
	}
}

// Serve serves gRPC on lis until Shutdown.
func (s *Server) Serve(lis net.Listener) error { return s.GRPC.Serve(lis) }

// Shutdown marks the service NOT_SERVING, then stops gracefully, forcing
// the stop when ctx ends first.
func (s *Server) Shutdown(ctx context.Context) {
	s.health.Shutdown() // NOT_SERVING from now on, even if WatchHealth still runs
	done := make(chan struct{})
	go func() {
		s.GRPC.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.GRPC.Stop()
		<-done
	}
}

// rejected returns a counter of refusals for cause (nil without metrics).
func (s *Server) rejected(cause string) func() {
	if s.cfg.Metrics == nil {
		return nil
	}
	return func() { s.cfg.Metrics.Rejected(cause) }
}

// Source returns the address a call came from: the HTTP client's when the
// call came through this server's REST gateway, else the connection's peer.
func (s *Server) Source(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	for _, v := range md.Get(peerHeader) {
		if tok, addr, ok := strings.Cut(v, " "); ok && subtle.ConstantTimeCompare([]byte(tok), []byte(s.gatewayToken)) == 1 {
			return addr
		}
	}
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		return p.Addr.String()
	}
	return "unknown"
}

// Gateway returns the JSON/REST handler (grpc-gateway v1) calling the gRPC
// service through conn, so that every interceptor applies. The x-api-key
// and authorization headers are forwarded as gRPC metadata, and so is the
// HTTP client's address (for the failed-authentication limit). A body over
// the server's MaxRecvMsgSize is refused with 413 having read at most that
// much: by its Content-Length before reading anything, else as the cap is
// passed.
func (s *Server) Gateway(ctx context.Context, conn *grpc.ClientConn) (http.Handler, error) {
	mux := runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &gateway.JSONPb{OrigName: true, EmitDefaults: true}),
		runtime.WithIncomingHeaderMatcher(func(h string) (string, bool) {
			switch strings.ToLower(h) {
			case auth.APIKeyHeader, "authorization":
				return strings.ToLower(h), true
			}
			return runtime.DefaultHeaderMatcher(h)
		}),
		runtime.WithMetadata(func(_ context.Context, r *http.Request) metadata.MD {
			return metadata.Pairs(peerHeader, s.gatewayToken+" "+r.RemoteAddr)
		}),
	)
	if err := verifierpb.RegisterVerifierHandlerClient(ctx, mux, verifierpb.NewVerifierClient(conn)); err != nil {
		return nil, err
	}
	return LimitBody(int64(s.cfg.MaxRecvMsgSize), mux, s.rejected(metrics.RejectedBodyTooLarge)), nil
}

// LimitBody refuses request bodies over limit bytes with 413 and a JSON
// error shaped like the gateway's (code RESOURCE_EXHAUSTED, reason
// request_too_large), reading at most limit bytes of them; it buffers
// smaller bodies before calling next. onReject (may be nil) is called for
// each refusal.
func LimitBody(limit int64, next http.Handler, onReject func()) http.Handler {
	reject := func() {
		if onReject != nil {
			onReject()
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			reject()
			tooLarge(w, limit)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
			if err != nil {
				if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
					reject()
					tooLargeAndClose(w, limit)
					return
				}
				writeError(w, http.StatusBadRequest, codes.InvalidArgument, fmt.Sprintf("%s: reading the body: %v", reason.RequestInvalid, err))
				return
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
		next.ServeHTTP(w, r)
	})
}

func tooLarge(w http.ResponseWriter, limit int64) {
	w.Header().Set("Connection", "close")
	writeError(w, http.StatusRequestEntityTooLarge, codes.ResourceExhausted,
		fmt.Sprintf("%s: request body over %d bytes", reason.RequestTooLarge, limit))
}

// tooLargeAndClose answers 413 to a body found over the cap while reading
// it (chunked): on HTTP/1 it takes the connection over, so that net/http
// does not read (and discard) a further 256 KiB of the body before closing;
// it half-closes, leaving the client time to read the answer, and closes.
func tooLargeAndClose(w http.ResponseWriter, limit int64) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil { // HTTP/2: the stream is reset, within its flow-control window
		tooLarge(w, limit)
		return
	}
	msg := fmt.Sprintf("%s: request body over %d bytes", reason.RequestTooLarge, limit)
	b, _ := json.Marshal(map[string]any{"error": msg, "code": int(codes.ResourceExhausted), "message": msg, "details": []any{}})
	fmt.Fprintf(brw, "HTTP/1.1 413 Request Entity Too Large\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(b), b)
	_ = brw.Flush()
	if cw, ok := conn.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	time.AfterFunc(500*time.Millisecond, func() { _ = conn.Close() })
}

// writeError writes the gateway's error body: {"error","code","message","details"}.
func writeError(w http.ResponseWriter, httpCode int, c codes.Code, msg string) {
	b, _ := json.Marshal(map[string]any{"error": msg, "code": int(c), "message": msg, "details": []any{}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpCode)
	_, _ = w.Write(b)
}

// NewHTTPServer returns an HTTP server for handler with the verifier's
// timeouts and header bound (REST gateway, metrics).
func NewHTTPServer(addr string, handler http.Handler, tlsCfg *tls.Config) *http.Server {
	return &http.Server{Addr: addr, Handler: handler, TLSConfig: tlsCfg, ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout: ReadTimeout, WriteTimeout: WriteTimeout, IdleTimeout: IdleTimeout, MaxHeaderBytes: MaxHeaderBytes}
}
