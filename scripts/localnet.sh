#!/usr/bin/env bash
# Local Amanah network on loopback (thin wrapper around cmd/amanah-localnet).
#   scripts/localnet.sh up N    N validators (1..4) in .localnet/node<i>; returns at height 2
#   scripts/localnet.sh down    stop exactly the processes `up` started
#   scripts/localnet.sh status  each node's height
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
go build -o build/amanah-localnet ./cmd/amanah-localnet
exec build/amanah-localnet "$@"
