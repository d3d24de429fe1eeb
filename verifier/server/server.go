// Package server assembles the verifier's gRPC server: the interceptor chain
// (recovery, metrics, authentication, per-party rate limit), grpc.health.v1
// driven by the ledger view's freshness, reflection, the grpc-gateway REST
// handler and graceful shutdown.
package server

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	gateway "github.com/cosmos/gogogateway"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/selector"
	"github.com/grpc-ecosystem/grpc-gateway/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
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
// gRPC itself (RESOURCE_EXHAUSTED) before any parsing.
const DefaultMaxRecvMsgSize = 256 << 10

// Config configures a Server.
type Config struct {
	// Service is the Verifier implementation; required.
	Service verifierpb.VerifierServer
	// Auth authenticates relying parties; required.
	Auth *auth.Authenticator
	// Limiter limits each party's request rate; nil means no limit.
	Limiter *auth.Limiter
	// Metrics records requests; may be nil.
	Metrics *metrics.Metrics
	// Ready reports whether the ledger view may answer (nil error): health
	// is SERVING only then.
	Ready func() error
	// TLS enables TLS (with client certificates when ClientAuth asks).
	TLS *tls.Config
	// MaxRecvMsgSize bounds requests (DefaultMaxRecvMsgSize if 0).
	MaxRecvMsgSize int
	// Logger logs panics and health changes (slog.Default if nil).
	Logger *slog.Logger
}

// Server is the verifier's gRPC server.
type Server struct {
	// GRPC is the underlying server.
	GRPC   *grpc.Server
	health *health.Server
	cfg    Config
}

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
	chain = append(chain, selector.UnaryServerInterceptor(cfg.Auth.UnaryServerInterceptor(), selector.MatchFunc(open)))
	if cfg.Limiter != nil {
		chain = append(chain, selector.UnaryServerInterceptor(cfg.Limiter.UnaryServerInterceptor(), selector.MatchFunc(open)))
	}
	opts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(chain...),
		grpc.MaxRecvMsgSize(cfg.MaxRecvMsgSize),
	}
	if cfg.TLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg.TLS)))
	}
	s := &Server{GRPC: grpc.NewServer(opts...), health: health.NewServer(), cfg: cfg}
	verifierpb.RegisterVerifierServer(s.GRPC, cfg.Service)
	healthpb.RegisterHealthServer(s.GRPC, s.health)
	// Descriptors of gogoproto-generated services live in gogoproto's registry.
	ropts := reflection.ServerOptions{Services: s.GRPC, DescriptorResolver: gogoproto.HybridResolver}
	reflectv1.RegisterServerReflectionServer(s.GRPC, reflection.NewServerV1(ropts))
	reflectv1alpha.RegisterServerReflectionServer(s.GRPC, reflection.NewServer(ropts))
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

// Gateway returns the JSON/REST handler (grpc-gateway v1) calling the gRPC
// service through conn, so that every interceptor applies. The x-api-key
// and authorization headers are forwarded as gRPC metadata.
func Gateway(ctx context.Context, conn *grpc.ClientConn) (http.Handler, error) {
	mux := runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &gateway.JSONPb{OrigName: true, EmitDefaults: true}),
		runtime.WithIncomingHeaderMatcher(func(h string) (string, bool) {
			switch strings.ToLower(h) {
			case auth.APIKeyHeader, "authorization":
				return strings.ToLower(h), true
			}
			return runtime.DefaultHeaderMatcher(h)
		}),
	)
	if err := verifierpb.RegisterVerifierHandlerClient(ctx, mux, verifierpb.NewVerifierClient(conn)); err != nil {
		return nil, err
	}
	return mux, nil
}
