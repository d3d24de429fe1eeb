// Package metrics holds the verifier's Prometheus metrics: requests by method
// and code, latency histograms, verification verdicts by reason, ledger cache
// hits and misses, and ledger height and lag.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
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
}

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
		Buckets: []float64{50e-6, 100e-6, 200e-6, 400e-6, 800e-6, 1.6e-3, 3.2e-3, 6.4e-3, 12.8e-3, 25.6e-3, 51.2e-3, 0.1, 0.5, 1},
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
	m.reg.MustRegister(m.requests, m.latency, m.verifications, m.cache, m.rejected,
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

// UnaryServerInterceptor counts requests and observes their latency.
func (m *Metrics) UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		start := time.Now()
		resp, err := h(ctx, req)
		m.latency.WithLabelValues(info.FullMethod).Observe(time.Since(start).Seconds())
		m.requests.WithLabelValues(info.FullMethod, status.Code(err).String()).Inc()
		return resp, err
	}
}
