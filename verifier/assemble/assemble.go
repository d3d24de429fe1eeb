// Package assemble builds one verifier from its pieces: the metrics, the
// ledger view (opened by the caller, observed by the metrics), the challenge
// store, the audit log, the Verifier service, the relying-party
// authenticator with its rate limits, and the gRPC server. The command
// (cmd/amanah-verifier), the in-memory test world (verifier/verifiertest) and
// the server tests all assemble their verifier here, so that what the tests
// and benchmarks run is what the command serves.
package assemble

import (
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/amanah-id/amanah/credential/sdjwt"
	"github.com/amanah-id/amanah/verifier/audit"
	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/ledger"
	"github.com/amanah-id/amanah/verifier/metrics"
	"github.com/amanah-id/amanah/verifier/server"
	"github.com/amanah-id/amanah/verifier/service"
	"github.com/amanah-id/amanah/verifier/state"
	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// Limit is a token bucket: PerSecond tokens a second up to Burst. A
// PerSecond of 0 (or less) means no limit.
type Limit struct {
	PerSecond float64
	Burst     int
}

// Config configures a verifier.
type Config struct {
	// Clients are the relying parties and their credentials (auth.New).
	Clients []auth.Client
	// RateLimit limits each party's request rate.
	RateLimit Limit
	// FailedAuthLimit limits failed authentications per source address.
	FailedAuthLimit Limit
	// Reflection serves gRPC server reflection (development).
	Reflection bool
	// TLS enables TLS on the gRPC server (nil: plaintext).
	TLS *tls.Config
	// MaxRecvMsgSize bounds requests (server.DefaultMaxRecvMsgSize if 0).
	MaxRecvMsgSize int
	// Freshness is the service's default maximum status age
	// (ledger.DefaultFreshness if 0).
	Freshness time.Duration
	// Challenges configures the challenge store (TTL, clock).
	Challenges challenge.Config
	// Verify are the SD-JWT limits, algorithms and clock.
	Verify sdjwt.Options
	// Audit receives one JSON record per verification (nil: discarded).
	Audit io.Writer
	// Metrics records requests, verdicts, refusals and cache lookups in a
	// Prometheus registry (Verifier.Metrics); false: no metrics.
	Metrics bool
	// Logger logs panics and health changes (slog.Default if nil).
	Logger *slog.Logger
	// Wrap, when set, wraps the service before it is registered (tests
	// inject faults with it).
	Wrap func(verifierpb.VerifierServer) verifierpb.VerifierServer
	// State keeps challenges and OpenID4VP transactions (nil: in memory,
	// configured by Challenges). The caller closes it.
	State state.Store
	// OpenID4VP offers OpenID4VP presentation requests (nil: not offered).
	// Its Transactions is set to State.
	OpenID4VP *service.OpenID4VPConfig
}

// Ledger is the ledger view the verifier reads.
type Ledger struct {
	// Cache is the view; required. Its owner runs it (Cache.Run).
	Cache *ledger.Cache
	// Evidence collects proved evidence of a verdict (nil: not offered).
	Evidence service.EvidenceCollector
	// Proved counts the ledger facts proved (nil: not exported).
	Proved func() int64
	// Federation routes credentials of recognised foreign ledgers (nil: own ledger only).
	Federation service.Federation
	// Drops counts nodes set aside for unproved answers and Usable counts the
	// nodes read from now (both nil: not exported).
	Drops  func() int64
	Usable func() int
}

// OpenLedger opens the ledger view with obs (the metrics, or nil) as its
// cache's observer.
type OpenLedger func(obs ledger.Observer) (Ledger, error)

// Verifier is an assembled verifier, not yet serving: serve Server on a
// listener, run the cache, and watch health (Server.WatchHealth) or check it.
type Verifier struct {
	Server  *server.Server
	Service *service.Service
	Cache   *ledger.Cache
	// Metrics is nil unless Config.Metrics.
	Metrics *metrics.Metrics
	// State is the state store in use.
	State state.Store
	// Public serves the OpenID4VP endpoints wallets call (on its own
	// listener, no credentials); nil unless Config.OpenID4VP.
	Public http.Handler
}

// New assembles a verifier over the ledger view open returns.
func New(cfg Config, open OpenLedger) (*Verifier, error) {
	v := &Verifier{}
	var obs ledger.Observer
	var rec service.Recorder
	if cfg.Metrics {
		v.Metrics = metrics.New(func() ledger.Sync { return v.Cache.Sync() })
		obs, rec = v.Metrics, v.Metrics
	}
	l, err := open(obs)
	if err != nil {
		return nil, err
	}
	v.Cache = l.Cache
	if v.Metrics != nil && l.Proved != nil {
		v.Metrics.Proved(l.Proved)
	}
	if v.Metrics != nil {
		v.Metrics.Fresh(l.Cache.Fresh)
		if l.Drops != nil && l.Usable != nil {
			v.Metrics.Nodes(l.Drops, l.Usable)
		}
	}
	auditW := cfg.Audit
	if auditW == nil {
		auditW = io.Discard
	}
	v.State = cfg.State
	if v.State == nil {
		v.State = state.NewMemory(cfg.Challenges)
	}
	var oid *service.OpenID4VPConfig
	if cfg.OpenID4VP != nil {
		c := *cfg.OpenID4VP
		c.Transactions = v.State
		oid = &c
	}
	v.Service, err = service.New(service.Config{View: l.Cache, Challenges: v.State,
		Audit: audit.New(auditW), Recorder: rec, Freshness: cfg.Freshness, Options: cfg.Verify, Evidence: l.Evidence,
		Federation: l.Federation, OpenID4VP: oid})
	if err != nil {
		return nil, err
	}
	a, err := auth.New(cfg.Clients)
	if err != nil {
		return nil, err
	}
	scfg := server.Config{Service: v.Service, Auth: a, Reflection: cfg.Reflection, Metrics: v.Metrics,
		Ready: l.Cache.Fresh, TLS: cfg.TLS, MaxRecvMsgSize: cfg.MaxRecvMsgSize, Logger: cfg.Logger}
	if cfg.Wrap != nil {
		scfg.Service = cfg.Wrap(v.Service)
	}
	if cfg.RateLimit.PerSecond > 0 {
		scfg.Limiter = auth.NewLimiter(cfg.RateLimit.PerSecond, cfg.RateLimit.Burst)
	}
	if cfg.FailedAuthLimit.PerSecond > 0 {
		scfg.FailedAuth = auth.NewFailureLimiter(cfg.FailedAuthLimit.PerSecond, cfg.FailedAuthLimit.Burst)
	}
	v.Server = server.New(scfg)
	if oid != nil {
		v.Public = server.PublicHandler(v.Service)
	}
	return v, nil
}
