# Reproduces the paper's agent-capability forecast (Ruan, Maddison, Hashimoto 2024, Sec 4.3): AgentBench's
# overall score of instruct models predicted from PC-1..3 of seven standard benchmarks, fitted on the weaker
# models and forecasting the two strongest (gpt-4-0613, claude-2.0). Published: test MSE 2.2e-4 and the curve
# "0.99 sigmoid(x − 5.52) + 0.01" on Llama-2-Chat-equivalent log10 FLOPs.
#   dotnet run --project src/ObsScaling.Shell -- -File examples/paper-agents.ps1 [-Data <folder>]
param(
    # The paper's public data (Apache-2.0). Defaults to ../shared/data/obsscaling beside the repository.
    [string] $Data = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'shared', 'data', 'obsscaling'))
)

$ErrorActionPreference = 'Stop'
. ([System.IO.Path]::Combine($PSScriptRoot, 'ensure-module.ps1'))
$instruct = [System.IO.Path]::Combine($Data, 'instruct_llm_benchmark_eval.csv')
$agents = [System.IO.Path]::Combine($Data, 'instruct_llm_agent_eval.csv')
if (-not [System.IO.File]::Exists($instruct) -or -not [System.IO.File]::Exists($agents)) {
    throw ("The paper's data was not found in '$Data'. The files instruct_llm_benchmark_eval.csv and " +
        "instruct_llm_agent_eval.csv are published with the paper's code (github.com/ryoungj/ObsScaling, folder " +
        "eval_results, Apache-2.0): download them into a folder and pass it with -Data <folder>.")
}

$benchmarks = 'MMLU', 'ARC-C', 'HellaSwag', 'Winogrande', 'TruthfulQA', 'GSM8K', 'HumanEval'
$null = Import-ObsModel -Path $instruct, $agents -Join -Dataset paper-agents -Mode Replace

$law = Invoke-ObsFit -Dataset paper-agents -Name agentbench -Force -Target ABench-OA `
    -Transform MinMax -TransformLow 0 -TransformHigh 10 -CapabilityMetric $benchmarks `
    -Split TopFraction -SplitColumn '@target' -SplitFraction 0.1 -ReferenceFamily Llama-2-Chat
"Law: {0}" -f $law.Formula
"On Llama-2-Chat-equivalent compute: {0:0.00}·σ({1:0.00}·x {2:+0.00;-0.00}) + {3:0.00}   (paper: 0.99 sigmoid(x − 5.52) + 0.01)" -f (1 - $law.Floor), $law.EquivalentSlope, $law.EquivalentIntercept, $law.Floor
"Train MSE {0:E1} (paper 3.7E-004), test MSE {1:E1} (paper 2.2E-004) on {2}" -f $law.TrainMse, $law.TestMse, ($law.TestModels -join ', ')

# The held-out models forecast from their raw benchmark scores, on AgentBench's own 0–10 scale.
$actual = @{}
foreach ($p in $law.Predictions) { $actual[$p.Model] = $p.Observed * 10 }
$law | Get-ObsForecast | ForEach-Object {
    [pscustomobject]@{
        Model           = $_.Model
        ActualScore     = [math]::Round($actual[$_.Model], 2)
        PredictedScore  = [math]::Round($_.PredictedRaw, 2)
        Log10EquivFlops = [math]::Round($_.EquivalentLog10FlopsE21 + 21, 2)
    }
}

# PC-1..3 against the compute baselines on the same split (closed models have no FLOPs: the baselines say so).
Invoke-ObsBacktest -Fit $law.Fit
