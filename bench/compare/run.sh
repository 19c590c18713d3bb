#!/usr/bin/env bash
# Speed, side by side: ObsScaling (C#) against an independent numpy/scipy/sklearn implementation of method.md
# (bench/compare/reference.py), same inputs, same machine, one after the other. Numbers are checked to agree
# before any ratio is printed. See docs/performance.md.
#
#   bench/compare/run.sh            full run (~10-15 min on 2 cores: Python's imputation at 10,000 models dominates)
#   bench/compare/run.sh --quick    < 2 min: fewer repetitions, smaller scale test, extrapolated Python subset loop
#   bench/compare/run.sh --only pipeline,subset --markdown /tmp/table.md
#
# Needs /usr/bin/python3 with numpy, scipy, scikit-learn and pandas (Debian: python3-numpy python3-scipy
# python3-sklearn python3-pandas) and the paper's data in ../shared/data/obsscaling beside the repository.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/ObsScaling.Compare -c Release -nologo -v q -nodeReuse:false
# The process-level row times the built obs (Release output of src/ObsScaling.Shell).
if [[ " $* " != *" --only "* || " $* " == *process* ]]; then
  dotnet build src/ObsScaling.Shell -c Release -nologo -v q -nodeReuse:false
fi
exec bench/ObsScaling.Compare/bin/Release/net10.0/ObsScaling.Compare "$@"
