#!/usr/bin/env bash
# Regenerates the gogoproto and grpc-gateway Go code from proto/, offline.
# Third-party .proto files come from the Go module cache at the versions go.mod selects,
# the code generators are pinned below and installed into .tools/bin (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
# One generation at a time (several engineers may regenerate in one checkout).
mkdir -p .tools
exec 9>.tools/protocgen.lock
flock 9

TOOLS="$PWD/.tools/bin"
BUF_VERSION=v1.75.0
GOGOPROTO_VERSION=v1.7.2
GATEWAY_VERSION=v1.16.0
mkdir -p "$TOOLS"
install_tool() { # name module@version
  if [ ! -x "$TOOLS/$1" ] || [ "$(cat "$TOOLS/.$1.version" 2>/dev/null)" != "$2" ]; then
    echo "installing $2"
    GOBIN="$TOOLS" go install "$2"
    echo "$2" > "$TOOLS/.$1.version"
  fi
}
install_tool buf github.com/bufbuild/buf/cmd/buf@$BUF_VERSION
install_tool protoc-gen-gocosmos github.com/cosmos/gogoproto/protoc-gen-gocosmos@$GOGOPROTO_VERSION
install_tool protoc-gen-grpc-gateway github.com/grpc-ecosystem/grpc-gateway/protoc-gen-grpc-gateway@$GATEWAY_VERSION

moddir() { go list -m -f '{{.Dir}}' "$1"; }
go mod download github.com/cosmos/gogoproto github.com/cosmos/cosmos-proto github.com/cosmos/cosmos-sdk github.com/grpc-ecosystem/grpc-gateway
SDK=$(moddir github.com/cosmos/cosmos-sdk)
GOGO=$(moddir github.com/cosmos/gogoproto)
CPROTO=$(moddir github.com/cosmos/cosmos-proto)
GW=$(moddir github.com/grpc-ecosystem/grpc-gateway)

rm -rf third_party/proto && mkdir -p third_party/proto
copy() { mkdir -p "third_party/proto/$(dirname "$2")"; cp "$1/$2" "third_party/proto/$2"; chmod u+w "third_party/proto/$2"; }
copy "$GOGO" gogoproto/gogo.proto
copy "$CPROTO/proto" cosmos_proto/cosmos.proto
copy "$GW/third_party/googleapis" google/api/annotations.proto
copy "$GW/third_party/googleapis" google/api/http.proto
for f in cosmos/msg/v1/msg.proto amino/amino.proto cosmos/base/query/v1beta1/pagination.proto \
         cosmos/base/v1beta1/coin.proto; do
  copy "$SDK/proto" "$f"
done

rm -rf .gen
PATH="$TOOLS:$PATH" "$TOOLS/buf" generate --template buf.gen.gogo.yaml --path proto/amanah
# Move the generated files next to the Go packages they belong to.
cp -r .gen/github.com/amanah-id/amanah/* ./
rm -rf .gen

echo "proto-gen: ok"
