// Package metrics holds the verifier's Prometheus metrics: the standard gRPC
// server metrics (grpc_server_*, go-grpc-middleware's Prometheus provider),
// the verifier's own requests by method and code and latency histograms (kept
// for existing dashboards), verification verdicts by reason, ledger cache hits
// and misses, ledger height, lag and freshness, and the ledger facts proved and
// proofs rejected. docs/monitoring.md lists them with the alerts built on them.
package metrics

import (
	"context"
	"net/http"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"

	"github.com/amanah-id/amanah/verifier/ledger"
)

// Metrics is the verifier's metric set on its own registry.
type Metrics struct {
	reg           *prometheus.Registry
	requests      *prometheus.CounterVec
	latency       *prometheus.HistogramVec
	verifications *prometheus.CounterVec
	cache         *prometheus.CounterVec
	rejected      *prometheus.CounterVec
	grpc          *grpcprom.ServerMetrics
}

// Buckets are the latency buckets of both request histograms (50 µs to 1 s).
var Buckets = []float64{50e-6, 100e-6, 200e-6, 400e-6, 800e-6, 1.6e-3, 3.2e-3, 6.4e-3, 12.8e-3, 25.6e-3, 51.2e-3, 0.1, 0.5, 1}

// Causes of Rejected.
const (
	// RejectedBodyTooLarge: a REST body over the size cap (413).
	RejectedBodyTooLarge = "body_too_large"
	// RejectedAuthFailures: a source over its failed-authentication limit.
	RejectedAuthFailures = "auth_failures"
)

// New returns the metric set; sync (may be nil) feeds the ledger gauges.
func New(sync func() ledger.Sync) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "amanah_verifier", Name: "requests_total", Help: "gRPC requests by method and status code.",
	}, []string{"method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "amanah_verifier", Name: "request_duration_seconds", Help: "gRPC request latency by method.",
		Buckets: Buckets,
	}, []string{"method"})
	m.verifications = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "amanah_verifier", Name: "verifications_total", Help: "Verification verdicts by result and reason.",
	}, []string{"result", "reason"})
	m.cache = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "amanah_verifier", Name: "ledger_cache_lookups_total", Help: "Ledger cache lookups by kind and result.",
	}, []string{"kind", "result"})
	m.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "amanah_verifier", Name: "rejected_total",
		Help: "Requests refused before authentication, by cause: body_too_large (REST body over the cap), auth_failures (source over its failed-authentication limit).",
	}, []string{"cause"})
	m.rejected.WithLabelValues(RejectedBodyTooLarge)
	m.rejected.WithLabelValues(RejectedAuthFailures)
	// Series that exist from the start (zero), so that dashboards and alert rules
	// find them before the first verification or lookup.
	m.verifications.WithLabelValues("verified", "")
	for _, k := range []ledger.Kind{ledger.KindDID, ledger.KindTrust, ledger.KindStatus} {
		m.cache.WithLabelValues(k.String(), "hit")
		m.cache.WithLabelValues(k.String(), "miss")
	}
	m.grpc = grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram(grpcprom.WithHistogramBuckets(Buckets)))
	m.reg.MustRegister(m.requests, m.latency, m.verifications, m.cache, m.rejected, m.grpc,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if sync != nil {
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "amanah_verifier", Name: "ledger_height",
				Help: "Latest block height applied to the ledger view."}, func() float64 { return float64(sync().Height) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "amanah_verifier", Name: "ledger_lag_seconds",
				Help: "Age of the ledger state answers rest on, by the block time of its verified header."}, func() float64 {
				s := sync()
				if !s.Synced {
					return -1
				}
				return time.Since(s.BlockTime).Seconds()
			}),
		)
	}
	return m
}

// Proved registers a counter of the ledger facts proved (Merkle proofs checked).
func (m *Metrics) Proved(n func() int64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "amanah_verifier", Name: "ledger_facts_proved_total",
		Help: "Ledger facts (values and absences) read with a Merkle proof checked against a light-client-verified header."},
		func() float64 { return float64(n()) }))
}

// Fresh registers amanah_verifier_fresh: 1 while fresh returns nil (the ledger
// view is synced and its block time within the freshness bound: health is
// SERVING and verifications are answered), 0 otherwise.
func (m *Metrics) Fresh(fresh func() error) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "amanah_verifier", Name: "fresh",
		Help: "1 while the ledger view is synced and within the freshness bound (health SERVING), 0 while verifications are refused as stale."},
		func() float64 {
			if fresh() != nil {
				return 0
			}
			return 1
		}))
}

// Nodes registers the node metrics: amanah_verifier_node_drops_total, nodes
// set aside for an answer that did not prove against a light-client-verified
// header (or a bad header: a faulty or lying node), and
// amanah_verifier_nodes_usable, the nodes not set aside now.
func (m *Metrics) Nodes(drops func() int64, usable func() int) {
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "amanah_verifier", Name: "node_drops_total",
			Help: "Nodes set aside for an answer that did not prove against a light-client-verified header, or a bad header."},
			func() float64 { return float64(drops()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "amanah_verifier", Name: "nodes_usable",
			Help: "Nodes the verifier reads from now (configured nodes not set aside)."},
			func() float64 { return float64(usable()) }),
	)
}

// InitializeGRPC creates the grpc_server_* series (zero) of every method srv
// serves; call it once the services are registered.
func (m *Metrics) InitializeGRPC(srv reflection.ServiceInfoProvider) { m.grpc.InitializeMetrics(srv) }

// Registry returns the registry (for tests and extra collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// CacheLookup implements ledger.Observer.
func (m *Metrics) CacheLookup(kind ledger.Kind, hit bool) {
	r := "miss"
	if hit {
		r = "hit"
	}
	m.cache.WithLabelValues(kind.String(), r).Inc()
}

// Verification counts one verdict.
func (m *Metrics) Verification(verified bool, reason string) {
	r := "verified"
	if !verified {
		r = "refused"
	}
	m.verifications.WithLabelValues(r, reason).Inc()
}

// Rejected counts one request refused before authentication.
func (m *Metrics) Rejected(cause string) { m.rejected.WithLabelValues(cause).Inc() }

// UnaryServerInterceptor counts requests and observes their latency, both as
// the standard grpc_server_* metrics and as amanah_verifier_requests_total and
// amanah_verifier_request_duration_seconds.
func (m *Metrics) UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	std := m.grpc.UnaryServerInterceptor()
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		start := time.Now()
		resp, err := std(ctx, req, info, h)
		m.latency.WithLabelValues(info.FullMethod).Observe(time.Since(start).Seconds())
		m.requests.WithLabelValues(info.FullMethod, status.Code(err).String()).Inc()
		return resp, err
	}
}
