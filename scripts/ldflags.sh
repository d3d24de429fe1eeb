#!/usr/bin/env bash
# ldflags.sh: the -ldflags that stamp the version and commit into Amanah's binaries (our
# buildinfo package, and the Cosmos SDK's version package for `amanahd version`).
# VERSION defaults to `git describe --tags --always --dirty`, COMMIT to `git rev-parse HEAD`.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo devel)}"
COMMIT="${COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}"
sdk=github.com/cosmos/cosmos-sdk/version
echo "-X github.com/amanah-id/amanah/buildinfo.Version=${VERSION}" \
  "-X github.com/amanah-id/amanah/buildinfo.Commit=${COMMIT}" \
  "-X ${sdk}.Name=amanah -X ${sdk}.AppName=amanahd" \
  "-X ${sdk}.Version=${VERSION} -X ${sdk}.Commit=${COMMIT}"
