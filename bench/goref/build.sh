#!/usr/bin/env bash
# Builds the Go reference provider (bench/goref) offline from Debian's Go packages in
# GOPATH mode: tfplugin6 stubs from the project's proto/tfplugin6.proto with Debian's
# protoc-gen-go and protoc-gen-go-grpc, then `go build`. The packages must be installed
# (bench/run installs them).
#
#   bench/goref/build.sh SCHEMA_PB OUT_DIR      -> OUT_DIR/terraform-provider-xacctref
#
# SCHEMA_PB is xacct's encoded GetProviderSchema answer (xacct-bench --dump-schema).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
schema="$1" out="$2"
gopath="$out/gopath"
src="$gopath/src/xacctref"
rm -rf "$src"
mkdir -p "$src/tfplugin6" "$out/proto"
cp "$here"/*.go "$src/"
cp "$schema" "$src/schema.pb"
# Debian's protoc-gen-go-grpc (1.33) refuses proto3 `optional`; without the keyword the
# wire format is the same (same numbers and types), only presence tracking is lost,
# which the reference provider does not use.
sed -E 's/^([[:space:]]*)optional[[:space:]]+([A-Za-z_.]+[[:space:]]+[A-Za-z_]+[[:space:]]*=)/\1\2/' \
    "$root/proto/tfplugin6.proto" >"$out/proto/tfplugin6.proto"
(cd "$out/proto" && protoc -I . --go_out="$gopath/src" --go-grpc_out="$gopath/src" \
    --go_opt=Mtfplugin6.proto=xacctref/tfplugin6 --go-grpc_opt=Mtfplugin6.proto=xacctref/tfplugin6 \
    tfplugin6.proto)
export GO111MODULE=off GOFLAGS= CGO_ENABLED=0
export GOPATH="$gopath:/usr/share/gocode" GOCACHE="$out/gocache"
(cd "$src" && go build -o "$out/terraform-provider-xacctref" .)
