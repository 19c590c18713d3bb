# The paper's Emergent analysis as comparing backtests (Ruan, Maddison, Hashimoto 2024, docs/method.md §9).
# Sec 4.1: four "emergent" BIG-Bench tasks (word_unscrambling, parsinlu_qa, arithmetic_3ds, arithmetic_2dm) of the
# 77 base models, FLOPs <= 84 in train (<= 22 for arithmetic), sigmoid with floor, min-max from the chance level.
# Three tables, each comparing PC-1..4, ln FLOPs, ln params and MMLU alone (best marked):
#   1. the paper's own holdout split; 2. each family left out in turn (pooled test MSE);
#   3. the top 10..50% held out by the analysis's split column, with the area under the error curve (AUE).
#   dotnet run --project src/ObsScaling.Shell -- -File examples/backtest-emergent.ps1 [-Data <folder>]
param(
    # The paper's public data (Apache-2.0). Defaults to ../shared/data/obsscaling beside the repository.
    [string] $Data = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'shared', 'data', 'obsscaling'))
)

$ErrorActionPreference = 'Stop'
. ([System.IO.Path]::Combine($PSScriptRoot, 'ensure-module.ps1'))
'Holdout on the paper''s split (test MSE; best = lowest)'
Invoke-ObsPaperBacktest Emergent -Data $Data
'Leave one family out (pooled test MSE over every family; best = lowest)'
Invoke-ObsPaperBacktest Emergent -Data $Data -LeaveOneFamilyOut
'Cutoff sweep: top 10..50% held out (AreaUnderError = AUE; best = lowest)'
Invoke-ObsPaperBacktest Emergent -Data $Data -Sweep
