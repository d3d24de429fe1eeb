// Package deploy holds what an operator installs beside the binaries: Prometheus alert rules
// (prometheus/alerts.yml), the Grafana dashboard (grafana/amanah.json) and the systemd units
// (systemd/). Its tests check them: promtool check rules and the rules' unit tests, every
// query's metric names against what a running amanahd and amanah-verifier actually serve, and
// systemd-analyze verify on the units. docs/monitoring.md explains them.
package deploy
