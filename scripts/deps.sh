#!/usr/bin/env bash
# deps.sh TOOL...: make sure the programs a test target needs are on this machine, installing
# the Debian package that provides each one when it is absent (apt-get update once per run).
# Tools: chromium, redis-server, promtool, node, npm, systemd-analyze.
# Without root (a developer's laptop) it says what to install and fails.
set -euo pipefail

package_for() {
  case "$1" in
    chromium) echo chromium ;;
    redis-server) echo redis-server ;;
    promtool) echo prometheus ;;
    node|npm) echo nodejs npm ;;
    systemd-analyze) echo systemd ;;
    *) echo "deps.sh: unknown tool $1" >&2; return 1 ;;
  esac
}

missing=()
for tool in "$@"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] && exit 0

pkgs=()
for tool in "${missing[@]}"; do
  # shellcheck disable=SC2207
  pkgs+=($(package_for "$tool"))
done
if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing ${missing[*]}; install the Debian packages: sudo apt-get install ${pkgs[*]}" >&2
  exit 1
fi
echo "deps.sh: installing ${pkgs[*]} (for ${missing[*]})" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
for tool in "${missing[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "deps.sh: $tool still missing after installing ${pkgs[*]}" >&2; exit 1; }
done
