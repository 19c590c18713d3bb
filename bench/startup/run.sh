#!/usr/bin/env bash
# Start-up, side by side (issue 10, item 6): one whole agent forecast from a fresh process -- import the paper's
# instruct and agent CSVs, fit the AgentBench law on PC-1..3, forecast the held-out models, print the test MSE --
# in obs, in real pwsh with the module, and in Python (bench/startup/agents.py), N times each, interleaved.
# Every run's test MSE must match Python's to 1e-6 relative, or the script says so and exits 2.
# See docs/performance.md, "Start-up".
#
#   bench/startup/run.sh [-n N] [--no-build] [--cold] [--data DIR]
#
#   -n N        runs of each (default 7); the medians are printed with the ratios obs/python and pwsh/python
#   --cold      nothing warm: every obs/pwsh run gets a new database and a private server ($env:OBSSCALING_SERVER_IDLE=0)
#   --no-build  time the existing publish in artifacts/obs (as build.ps1 leaves it) instead of publishing it first
#   --data DIR  the paper's CSVs (default: shared/data/obsscaling in the nearest folder above the repository)
#
# Needs /usr/bin/python3 with numpy, scipy and pandas (Debian: python3-numpy python3-scipy python3-pandas) and
# the local pwsh tool (dotnet tool restore).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
runs=7 build=1 cold=0 data=""
# The paper's data: shared/data/obsscaling in the nearest folder above the repository that has it.
for dir in "$root/.." "$root/../.." "$root/../../.."; do
  if [[ -z "$data" && -d "$dir/shared/data/obsscaling" ]]; then data="$(cd "$dir/shared/data/obsscaling" && pwd)"; fi
done
while (($#)); do
  case "$1" in
    -n) runs="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --cold) cold=1; shift ;;
    --data) data="$2"; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 3 ;;
  esac
done
[[ -f "$data/instruct_llm_agent_eval.csv" ]] || { echo "the paper's data is not in $data (use --data)" >&2; exit 3; }
/usr/bin/python3 -c "import numpy, scipy, pandas" 2>/dev/null || { echo "/usr/bin/python3 lacks numpy/scipy/pandas" >&2; exit 3; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
# What a user runs: obs published as build.ps1 publishes it (ReadyToRun for this machine's platform, with the
# module and its server beside it), not the JIT-only build output.
obs="$root/artifacts/obs"
if ((build)); then
  rid="$(dotnet --info | sed -n 's/^ *RID: *//p' | head -1)"
  rm -rf "$obs"
  dotnet publish src/ObsScaling.Shell -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -p:ObsServerRuntime="$rid" -o "$obs" -nologo -v q -nodeReuse:false >/dev/null
  dotnet tool restore >/dev/null
fi
[[ -f "$obs/obs.dll" ]] || { echo "no obs in $obs: run without --no-build, or build.ps1" >&2; exit 3; }
work="$(mktemp -d)"
# The warm servers this run started outlive their sessions; stop them (by the process id in their address files).
cleanup() {
  for f in "$work"/*/obsscaling.db.server "$work"/*/*/obsscaling.db.server; do
    [[ -f "$f" ]] && kill "$(sed -n 2p "$f")" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

script="\$null = Import-ObsModel -Path '$data/instruct_llm_benchmark_eval.csv','$data/instruct_llm_agent_eval.csv' -Join -Dataset startup -Mode Replace; \$law = Invoke-ObsFit -Dataset startup -Name agentbench -Force -Target ABench-OA -Transform MinMax -TransformLow 0 -TransformHigh 10 -CapabilityMetric MMLU,ARC-C,HellaSwag,Winogrande,TruthfulQA,GSM8K,HumanEval -Split TopFraction -SplitColumn '@target' -SplitFraction 0.1 -ReferenceFamily Llama-2-Chat; \$null = \$law | Get-ObsForecast; 'TEST_MSE={0:R}' -f \$law.TestMse"

# One timed run: prints "<seconds> <test mse>" or fails with the output.
timed() {
  local name="$1"; shift
  local t0 t1 out
  t0=$(date +%s%N)
  if ! out="$("$@" 2>&1)"; then echo "$name failed:" >&2; echo "$out" >&2; exit 1; fi
  t1=$(date +%s%N)
  local mse; mse="$(grep -o 'TEST_MSE=[^ ]*' <<<"$out" | head -1 | cut -d= -f2)"
  [[ -n "$mse" ]] || { echo "$name printed no TEST_MSE:" >&2; echo "$out" >&2; exit 1; }
  echo "$(( (t1 - t0) / 1000000 )) $mse"
}

database() {
  if ((cold)); then mkdir -p "$work/cold-$1-$2"; echo "$work/cold-$1-$2/obsscaling.db"; else echo "$work/$1/obsscaling.db"; fi
}

idle=300
((cold)) && idle=0
: >"$work/times"
for ((i = 1; i <= runs; i++)); do
  echo "$(timed obs env OBSSCALING_SERVER_IDLE="$idle" OBSSCALING_DATABASE="$(database obs "$i")" dotnet "$obs/obs.dll" -NonInteractive -Command "$script") obs" >>"$work/times"
  echo "$(timed pwsh env OBSSCALING_SERVER_IDLE="$idle" OBSSCALING_DATABASE="$(database pwsh "$i")" dotnet pwsh -NoProfile -NonInteractive -Command "Import-Module '$obs/modules/ObsScaling/ObsScaling.psd1'; $script") pwsh" >>"$work/times"
  echo "$(timed python /usr/bin/python3 bench/startup/agents.py "$data") python" >>"$work/times"
  # The floor under the pwsh side: the local tool's PowerShell starting with nothing to do (no module).
  t0=$(date +%s%N); dotnet pwsh -NoProfile -NonInteractive -Command '$null'; t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000000 )) nan pwsh-empty" >>"$work/times"
  tail -4 "$work/times" | sed "s/^/run $i: /" >&2
done

/usr/bin/python3 - "$work/times" "$runs" "$cold" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
times, mses = {}, {}
for ms, mse, name in rows:
    times.setdefault(name, []).append(int(ms) / 1000)
    if name != "pwsh-empty":
        mses.setdefault(name, []).append(float(mse))
ref = mses["python"][0]
bad = [(n, m) for n, ms in mses.items() for m in ms if abs(m - ref) > 1e-6 * abs(ref)]
mode = "cold (new database and private server each run)" if sys.argv[3] == "1" else "warm (one database per side, its shared server reused)"
print(f"start-up, one agent forecast from a fresh process, {sys.argv[2]} runs each, {mode}")
print(f"test MSE: python {ref!r}, obs {mses['obs'][0]!r}, pwsh {mses['pwsh'][0]!r} "
      f"(largest relative difference {max(abs(m - ref) / abs(ref) for ms in mses.values() for m in ms):.1e}, tolerance 1e-6)")
med = {n: statistics.median(t) for n, t in times.items()}
for n in ("obs", "pwsh", "python"):
    first = f", first {times[n][0]:.2f} s" if n != "python" else ""
    print(f"  {n:<7} median {med[n]:.2f} s  (min {min(times[n]):.2f}, max {max(times[n]):.2f}{first})")
print(f"  (pwsh starting with nothing to do, no module: median {med['pwsh-empty']:.2f} s)")
print(f"ratio obs/python {med['obs'] / med['python']:.2f}x   pwsh/python {med['pwsh'] / med['python']:.2f}x   (target obs <= 1.4x)")
if bad:
    print("numbers disagree:", bad)
    sys.exit(2)
PY
