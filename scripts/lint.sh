#!/usr/bin/env bash
# Runs golangci-lint with the committed .golangci.yml; fails on any finding.
# The linter is pinned below and installed into .tools/bin (git-ignored) from the Go module
# cache when absent, like the proto tools in scripts/protocgen.sh (offline once the module is
# cached).
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="$PWD/.tools/bin"
GOLANGCI_LINT_VERSION=v2.15.0
mkdir -p "$TOOLS"
exec 9>"$TOOLS/../lint.lock"
flock 9
mod=github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$GOLANGCI_LINT_VERSION
if [ ! -x "$TOOLS/golangci-lint" ] || [ "$(cat "$TOOLS/.golangci-lint.version" 2>/dev/null)" != "$mod" ]; then
  echo "installing $mod"
  # The module cache first (offline once cached, even with GOPROXY=off), then the proxy.
  GOBIN="$TOOLS" GOPROXY="file://$(go env GOMODCACHE)/cache/download,$(go env GOPROXY)" go install "$mod"
  echo "$mod" > "$TOOLS/.golangci-lint.version"
fi
flock -u 9

"$TOOLS/golangci-lint" run "$@" ./...
