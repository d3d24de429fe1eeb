#!/usr/bin/env bash
# release.sh [OUT]: static release binaries (CGO_ENABLED=0, -trimpath, version and commit
# stamped by scripts/ldflags.sh) of every command in BINARIES for every GOOS/GOARCH in
# PLATFORMS, named <command>-<os>-<arch>, with their SHA-256 sums in OUT/SHA256SUMS
# (check with `sha256sum -c SHA256SUMS`). OUT defaults to build/release.
# amanah-issuer is included when cmd/amanah-issuer exists.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-build/release}"
PLATFORMS="${PLATFORMS:-linux/amd64 linux/arm64}"
if [ -z "${BINARIES:-}" ]; then
  BINARIES="amanahd amanah-verifier"
  [ -d cmd/amanah-issuer ] && BINARIES="$BINARIES amanah-issuer"
fi
LDFLAGS="-s -w $(./scripts/ldflags.sh)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
rm -f "$OUT/SHA256SUMS"
files=()
for platform in $PLATFORMS; do
  goos="${platform%/*}" goarch="${platform#*/}"
  for bin in $BINARIES; do
    name="$bin-$goos-$goarch"
    echo "release.sh: $name" >&2
    CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" go build -trimpath -ldflags "$LDFLAGS" -o "$OUT/$name" "./cmd/$bin"
    files+=("$name")
  done
done
(cd "$OUT" && sha256sum "${files[@]}" > SHA256SUMS)
cat "$OUT/SHA256SUMS"
