# Reproduces the paper's preregistration (Ruan, Maddison, Hashimoto 2024; docs/method.md §1): the leaderboard-v2 laws
# (App. C.3: BBH, GPQA, MATH-hard from PC-1..3 of seven base benchmarks) are fitted WITHOUT the 20 models released
# after May 2024, a forecast with a 90% interval is recorded for each of them in an immutable ledger, then their
# leaderboard-v2 scores are imported and the ledger is scored.
#   dotnet run --project src/ObsScaling.Shell -- -File examples/preregistration.ps1 [-Data <folder>] [-Ledger <id>]
param(
    # The paper's public data (Apache-2.0); default: the first shared/data/obsscaling above this script.
    [string] $Data,
    # Entries are immutable, so each run records into a ledger of its own.
    [string] $Ledger = 'prereg-' + [DateTime]::UtcNow.ToString('yyyyMMdd-HHmmss')
)

$ErrorActionPreference = 'Stop'
. ([System.IO.Path]::Combine($PSScriptRoot, 'ensure-module.ps1'))
if (-not $Data) {
    $dir = $PSScriptRoot
    while ($dir -and -not [System.IO.Directory]::Exists([System.IO.Path]::Combine($dir, 'shared', 'data', 'obsscaling'))) {
        $dir = [System.IO.Path]::GetDirectoryName($dir)
    }
    $Data = if ($dir) { [System.IO.Path]::Combine($dir, 'shared', 'data', 'obsscaling') } else { '' }
}
$baseFile = [System.IO.Path]::Combine($Data, 'base_llm_benchmark_eval.csv')
$lbv2File = [System.IO.Path]::Combine($Data, 'base_llm_leaderboard_v2_eval.csv')
if (-not [System.IO.File]::Exists($baseFile) -or -not [System.IO.File]::Exists($lbv2File)) {
    throw ("The paper's data was not found in '$Data'. base_llm_benchmark_eval.csv and base_llm_leaderboard_v2_eval.csv " +
        "are published with the paper's code (github.com/ryoungj/ObsScaling, folder eval_results, Apache-2.0): " +
        "download them into a folder and pass it with -Data <folder>.")
}

$preregistered = @(
    'meta-llama/Meta-Llama-3.1-405B-FP8', 'meta-llama/Meta-Llama-3.1-70B', 'meta-llama/Meta-Llama-3.1-8B',
    'Qwen/Qwen1.5-110B', 'Qwen/Qwen2-72B', 'Qwen/Qwen2-57B-A14B', 'Qwen/Qwen2-7B', 'Qwen/Qwen2-1.5B', 'Qwen/Qwen2-0.5B',
    'deepseek-ai/DeepSeek-V2', 'deepseek-ai/DeepSeek-Coder-V2-Base',
    'google/gemma-2-27b', 'google/gemma-2-9b', 'google/gemma-2-2b',
    'mistralai/Mixtral-8x22B-v0.1', 'mistralai/Mistral-Nemo-Base-2407',
    '01-ai/Yi-1.5-34B', '01-ai/Yi-1.5-9B', '01-ai/Yi-1.5-6B', 'ai21labs/Jamba-v0.1')
# EVAL_BASE_MODEL_WITH_FLOPS_FAMILIES, as in the paper's leaderboard-v2 analysis.
$families = @('Llama-2', 'Llama', 'Llama-3', 'Llama-3.1', 'Qwen1.5', 'Qwen', 'Yi', 'Yi-1.5', 'Gemma', 'Gemma-2', 'Falcon',
    'Phi', 'Pythia', 'BLOOM', 'GPT-Neo/J', 'OPT', 'MPT', 'XGLM', 'CodeLlama', 'StarCoder', 'StarCoder2', 'DeepSeek-Coder',
    'DeepSeek-V2', 'DeepSeek-Coder-V2', 'Jamba')
$benchmarks = 'MMLU', 'ARC-C', 'HellaSwag', 'Winograd', 'TruthfulQA', 'XWinograd', 'HumanEval'

# 1. What was known before the 20 were evaluated: the other models' base benchmarks and leaderboard-v2 scores,
#    and the 20's base benchmark scores only.
$joined = @(Import-ObsModel -Path $baseFile, $lbv2File -Join)
$null = $joined.Where({ $_.Family -in $families -and $_.Name -notin $preregistered }) | Import-ObsModel -Dataset lbv2-known -Mode Replace
$null = @(Import-ObsModel -Path $baseFile).Where({ $_.Name -in $preregistered }) | Import-ObsModel -Dataset prereg-models -Mode Replace

# 2. The three laws (plain sigmoid, Huber δ = 1, FLOPs cutoff split as in the paper), each with a 90% parametric interval.
$tasks = @(
    @{ Task = 'bbh'; Target = 'leaderboard_bbh'; Low = 0.2624338624338624; Cutoff = 84 }
    @{ Task = 'gpqa'; Target = 'leaderboard_gpqa'; Low = 0.25; Cutoff = 168 }
    @{ Task = 'math-hard'; Target = 'leaderboard_math_hard'; Low = 0; Cutoff = 252 })
$laws = foreach ($t in $tasks) {
    Invoke-ObsFit -Dataset lbv2-known -Name $t.Task -Force -Target $t.Target -Transform MinMax -TransformLow $t.Low -TransformHigh 1 `
        -CapabilityMetric $benchmarks -Link Sigmoid -Loss Huber -Split Cutoff -SplitColumn 'FLOPs (1E21)' -SplitThreshold $t.Cutoff `
        -Interval Parametric -IntervalLevel 0.9
}
foreach ($law in $laws) { "{0,-22} {1}   (train {2}, test MSE {3:E2})" -f $law.Target, $law.Formula, $law.TrainCount, $law.TestMse }

# 3. Preregister: one immutable entry per model and law, with the hash of exactly the data the law was fitted on.
$entries = @($laws | New-ObsPreregistration -Ledger $Ledger -SourceDataset prereg-models -Model $preregistered -Note 'paper preregistration')
""
$hashes = [System.Collections.Generic.List[string]]::new()
foreach ($e in $entries) { if (-not $hashes.Contains($e.DataHash)) { $hashes.Add($e.DataHash) } }
"Recorded {0} forecasts in ledgers/{1}; fitted-data hashes (one per law): {2}" -f $entries.Count, $Ledger, (($hashes | ForEach-Object { $_.Substring(0, 16) }) -join ', ')

# 4. The scores arrive: the 20 models' leaderboard-v2 results (joined onto their base rows, which are kept).
$null = $joined.Where({ $_.Name -in $preregistered }) | Import-ObsModel -Dataset prereg-models -Mode Append
$scored = @(Complete-ObsPreregistration -Ledger $Ledger -Dataset prereg-models -WarningAction SilentlyContinue)
$scored

# 5. How the forecasts fared, per task and overall.
""
foreach ($t in $tasks) {
    $rows = $scored.Where({ $_.Target -eq $t.Target })
    $inside = $rows.Where({ $_.Inside }).Count
    $mae = 0; foreach ($r in $rows) { $mae += $r.AbsoluteError }
    "{0,-22} scored {1,2}   inside the 90% interval {2,2} ({3:P0})   MAE {4:0.0000}" -f $t.Target, $rows.Count, $inside, ($inside / $rows.Count), ($mae / $rows.Count)
}
Get-ObsPreregistration -Ledger $Ledger -Summary
