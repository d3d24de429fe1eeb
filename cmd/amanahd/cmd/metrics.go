package cmd

import (
	"fmt"

	cmtcfg "github.com/cometbft/cometbft/config"
)

// MetricsPort is the port of CometBFT's Prometheus metrics (/metrics) that `amanahd init`
// writes into config.toml ([instrumentation] prometheus_listen_addr), on every interface:
// firewall it to the monitoring host (docs/monitoring.md). deploy/prometheus/alerts.yml and
// deploy/grafana/amanah.json are written against what it serves.
const MetricsPort = 26660

// enableMetrics turns CometBFT's Prometheus metrics on at MetricsPort, in the "cometbft"
// namespace the alert rules and the dashboard query.
func enableMetrics(cfg *cmtcfg.Config) {
	cfg.Instrumentation.Prometheus = true
	cfg.Instrumentation.PrometheusListenAddr = fmt.Sprintf(":%d", MetricsPort)
	cfg.Instrumentation.Namespace = "cometbft"
}
