#!/usr/bin/env bash
# The project's test command (the README's): every xunit suite, then the Node interop client against the
# built server, and one plain "N passed, N failed, N skipped" line over both. Exits non-zero on any failure.
# NO_BUILD=1 reuses an existing build (CI builds first, with warnings as errors).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

config="${CONFIGURATION:-Release}"
build_flag=()
if [ "${NO_BUILD:-0}" = 1 ]; then build_flag=(--no-build); fi

echo "== test"
results="$(mktemp -d)"
set +e
dotnet test ObsScaling.Grpc.sln -c "$config" "${build_flag[@]}" \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 5m
status=$?
set -e

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  # vstest leaves notExecuted at 0 for skipped tests; they are the ones counted in total but not executed.
  not_run=$(( $(get total) - $(get executed) ))
  [ "$(get notExecuted)" -gt "$not_run" ] && not_run=$(get notExecuted)
  skipped=$((skipped + not_run))
done

echo "== interop (Node client against the Release server)"
interop_log="$results/interop.log"
set +e
bash tests/interop/run.sh "src/ObsScaling.Server/bin/$config/net10.0/ObsScaling.Server.dll" 2>&1 | tee "$interop_log"
interop_status=${PIPESTATUS[0]}
set -e
tap() { sed -n "s/^# $1 \([0-9]*\)\r\{0,1\}$/\1/p" "$interop_log" | tail -1; }
if [ "$interop_status" -eq 77 ]; then
  skipped=$((skipped + 1))
else
  node_pass="$(tap pass)"; node_fail="$(tap fail)"; node_cancelled="$(tap cancelled)"; node_skipped="$(tap skipped)"
  passed=$((passed + ${node_pass:-0}))
  failed=$((failed + ${node_fail:-0} + ${node_cancelled:-0}))
  skipped=$((skipped + ${node_skipped:-0}))
  # A run that failed before node reported anything (no server, npm ci failed) still counts as a failure.
  if [ "$interop_status" -ne 0 ] && [ "${node_fail:-0}" -eq 0 ] && [ "${node_cancelled:-0}" -eq 0 ]; then
    failed=$((failed + 1))
  fi
fi

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
if [ "$interop_status" -ne 0 ] && [ "$interop_status" -ne 77 ]; then
  exit 1
fi
