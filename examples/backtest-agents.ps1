# The paper's Agents analysis as comparing backtests (Ruan, Maddison, Hashimoto 2024, docs/method.md §9).
# Sec 4.3: AgentBench (0-10) and AgentBoard (/100) of instruct models from 7 instruct benchmarks, the best 10%
# by score held out, reference family Llama-2-Chat.
# Three tables, each comparing PC-1..4, ln FLOPs, ln params and MMLU alone (best marked):
#   1. the paper's own holdout split; 2. each family left out in turn (pooled test MSE);
#   3. the top 10..50% held out by the analysis's split column, with the area under the error curve (AUE).
#   dotnet run --project src/ObsScaling.Shell -- -File examples/backtest-agents.ps1 [-Data <folder>]
param(
    # The paper's public data (Apache-2.0). Defaults to ../shared/data/obsscaling beside the repository.
    [string] $Data = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'shared', 'data', 'obsscaling'))
)

$ErrorActionPreference = 'Stop'
. ([System.IO.Path]::Combine($PSScriptRoot, 'ensure-module.ps1'))
'Holdout on the paper''s split (test MSE; best = lowest)'
Invoke-ObsPaperBacktest Agents -Data $Data
'Leave one family out (pooled test MSE over every family; best = lowest)'
Invoke-ObsPaperBacktest Agents -Data $Data -LeaveOneFamilyOut
'Cutoff sweep: top 10..50% held out (AreaUnderError = AUE; best = lowest)'
Invoke-ObsPaperBacktest Agents -Data $Data -Sweep
