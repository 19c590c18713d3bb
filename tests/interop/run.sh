#!/usr/bin/env bash
# Runs the cross-language client tests against a real server. Builds nothing: give it a built server.
#
#   tests/interop/run.sh [path/to/ObsScaling.Server.dll]
#
# Default dll: src/ObsScaling.Server/bin/Release/net10.0/ObsScaling.Server.dll. Starts the server on a free
# loopback port (and its web endpoint on another) with a temporary database, waits for its listening line, installs the Node client's
# packages if needed (npm ci), runs `node --test` (TAP output) and stops the server. Exits with node's
# status; exits 77 (skipped) without starting anything when the paper's data (shared/data/obsscaling
# in an ancestor folder of the repository) is absent.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
dll="${1:-$repo/src/ObsScaling.Server/bin/Release/net10.0/ObsScaling.Server.dll}"
node_dir="$repo/tests/interop/node"
startup_seconds="${OBSSCALING_STARTUP_SECONDS:-60}"

data="${OBSSCALING_DATA:-}"
if [ -z "$data" ]; then
  dir="$(dirname "$repo")"
  while :; do
    if [ -f "$dir/shared/data/obsscaling/instruct_llm_benchmark_eval.csv" ]; then
      data="$dir/shared/data/obsscaling"
      break
    fi
    [ "$dir" = "/" ] && break
    dir="$(dirname "$dir")"
  done
fi
if [ -z "$data" ]; then
  echo "interop: skipped: the paper's public data (shared/data/obsscaling beside the repository or an ancestor) is absent"
  exit 77
fi
export OBSSCALING_DATA="$data"

if [ ! -f "$dll" ]; then
  echo "interop: $dll not found: build the server first (dotnet build -c Release)" >&2
  exit 2
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet "$dll" --urls=http://127.0.0.1:0 --ObsScaling:WebUrls=http://127.0.0.1:0 "--ObsScaling:DatabasePath=$work/obs.db" \
  --Logging:LogLevel:Default=Warning >"$work/server.log" 2>&1 &
server_pid=$!

address=""
for _ in $(seq $((startup_seconds * 10))); do
  address="$(sed -n 's/^ObsScaling server listening on //p' "$work/server.log" | head -1 | tr -d '\r')"
  [ -n "$address" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
if [ -z "$address" ]; then
  echo "interop: the server did not report a listening address within ${startup_seconds}s; its output:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
# The web endpoint (REST/JSON, rest.test.mjs) prints its own line right after the gRPC one.
web_address=""
for _ in $(seq 50); do
  web_address="$(sed -n 's/^ObsScaling web endpoint listening on //p' "$work/server.log" | head -1 | tr -d '\r')"
  [ -n "$web_address" ] && break
  sleep 0.1
done
echo "interop: server $server_pid listening on $address, web endpoint ${web_address:-none} (data: $data)"

cd "$node_dir"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

set +e
# The contract's self-contained descriptor set, which the build writes beside the contracts assembly.
protoset="${OBSSCALING_PROTOSET:-$(dirname "$dll")/obsscaling.protoset}"
[ -f "$protoset" ] || protoset="$repo/src/ObsScaling.Contracts/bin/Release/net10.0/obsscaling.protoset"
OBSSCALING_PROTOSET="$protoset" OBSSCALING_ADDRESS="$address" OBSSCALING_WEB_ADDRESS="$web_address" node --test --test-reporter=tap
status=$?
set -e

if [ "$status" -ne 0 ]; then
  echo "interop: node exited $status; server output:" >&2
  cat "$work/server.log" >&2
fi
exit "$status"
