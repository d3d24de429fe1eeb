package service

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the issuer's Prometheus metrics (names are relied on by alert rules).
type Metrics struct {
	Registry      *prometheus.Registry
	Issued        prometheus.Counter
	SigningErrors prometheus.Counter
	Requests      *prometheus.CounterVec
}

// NewMetrics registers the metrics on reg (a new registry if nil).
func NewMetrics(reg *prometheus.Registry) *Metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &Metrics{
		Registry: reg,
		Issued: prometheus.NewCounter(prometheus.CounterOpts{Name: "amanah_issuer_credentials_issued_total",
			Help: "Credentials signed and returned to wallets."}),
		SigningErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "amanah_issuer_signing_errors_total",
			Help: "Credentials or status list tokens whose signing failed."}),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "amanah_issuer_requests_total",
			Help: "HTTP requests by endpoint and HTTP status code."}, []string{"endpoint", "code"}),
	}
	reg.MustRegister(m.Issued, m.SigningErrors, m.Requests)
	return m
}
