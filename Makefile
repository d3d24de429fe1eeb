# Amanah: make demo (the whole story on a local chain) and make test (the suite).
GO        ?= go
BUILD_DIR ?= build
PKGS      := ./...
# The in-process network tests start validators; one package at a time keeps two cores calm.
TEST_FLAGS ?= -count=1 -timeout 45m -p 1

.PHONY: release
.PHONY: all build install deps test test-unit test-faults test-interop bench bench-docs bench-verifier bench-oid4vp lint vet fmt proto-gen localnet localnet-down demo demo-federation clean

all: build

# The version and commit stamped into the binaries (amanahd version, amanah-verifier --version).
GO_LDFLAGS ?= $(shell ./scripts/ldflags.sh)

build:
	$(GO) build -ldflags '$(GO_LDFLAGS)' -o $(BUILD_DIR)/ ./cmd/...

install:
	$(GO) install -ldflags '$(GO_LDFLAGS)' ./cmd/...

## release: static binaries (CGO_ENABLED=0) of amanahd, amanah-verifier (and amanah-issuer)
## for linux/amd64 and linux/arm64, version-stamped, with SHA256SUMS, in $(BUILD_DIR)/release
release:
	./scripts/release.sh $(BUILD_DIR)/release

## deps: the programs the tests need beyond Go (Debian packages, installed when absent)
deps:
	./scripts/deps.sh redis-server chromium promtool node npm

## test: every unit, vector, fuzz-seed, integration and in-process network test
test: deps build
	$(GO) vet $(PKGS)
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\(\.gw\)\?\.go$$')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) test $(TEST_FLAGS) $(PKGS)

## test-interop: Amanah against the OpenWallet Foundation TypeScript libraries (interop/,
## pinned by package-lock.json)
test-interop: deps build
	cd interop && npm ci --no-audit --no-fund
	$(GO) test -tags interop -count=1 -timeout 20m -p 1 ./interop/...

test-unit:
	$(GO) test -short -count=1 $(PKGS)

## test-faults: real amanahd processes killed, paused and restarted; then the determinism sims
## (same blocks on two apps, export/import; app/sim_test.go, tag sims)
test-faults: build
	$(GO) test -tags faults -count=1 -timeout 40m -p 1 ./tests/faults/...
	$(GO) test -tags sims -run 'TestAppStateDeterminism|TestAppImportExport' -count=1 -timeout 10m ./app/...

## bench: every benchmark (about 20-30 minutes); the report (results.json, run.json, the raw
## outputs, benchmarks.md and its plots) goes to $(BUILD_DIR)/bench only: the checkout stays clean
bench:
	$(GO) run ./scripts/bench -out $(BUILD_DIR)/bench

## bench-docs: regenerate the committed docs/benchmarks.md and docs/bench/*.png from the last
## whole run saved by make bench ($(BUILD_DIR)/bench/run.json); it runs nothing
bench-docs:
	$(GO) run ./scripts/bench -publish -out $(BUILD_DIR)/bench -docs docs

## bench-oid4vp: the OpenID4VP flow benchmark alone (scripts/bench/oid4vpload), into $(BUILD_DIR)/bench
bench-oid4vp:
	$(GO) run ./scripts/bench -only oid4vp -out $(BUILD_DIR)/bench -no-docs

## bench-verifier: the verifier load generator alone (scripts/bench/verifierload), into $(BUILD_DIR)/bench
bench-verifier:
	$(GO) run ./scripts/bench -only load -out $(BUILD_DIR)/bench

## lint: golangci-lint (pinned, installed into .tools/bin when absent) with .golangci.yml;
## fails on any finding (vet, gofmt and the linters listed in the config)
lint:
	./scripts/lint.sh

vet:
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go' | grep -v '\.pb\(\.gw\)\?\.go$$')

## proto-gen: regenerate gogoproto + grpc-gateway code, offline
proto-gen:
	./scripts/protocgen.sh

localnet:
	./scripts/localnet.sh up 4

localnet-down:
	./scripts/localnet.sh down

## demo: a one-node chain and the verifier in a temporary directory, the credential story end to end
demo: build
	$(GO) run ./cmd/amanah-demo

## demo-federation: two local ledgers (amanah-th, amanah-my); a Thai credential verified by a Malaysian bank
demo-federation: build
	$(GO) run ./cmd/amanah-demo-federation

clean:
	rm -rf $(BUILD_DIR) .localnet
