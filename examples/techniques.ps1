# Post-training techniques on one capability axis (Ruan, Maddison, Hashimoto 2024, Sec 4.2): greedy, chain-of-thought
# and CoT + self-consistency GSM8K, and BBH few-shot vs CoT, each predicted by its own law on the same PC-1..3 of the
# 7 non-GSM benchmarks (fitted on the models with at most 84e21 FLOPs), compared on Llama-2-equivalent compute:
# the predicted gain of each technique over the baseline, with 90% paired family-bootstrap intervals, and where
# the curves cross.
#   dotnet run --project src/ObsScaling.Shell -- -File examples/techniques.ps1 [-Data <folder>] [-Resamples 200]
param(
    # The paper's public data (Apache-2.0). Defaults to ../shared/data/obsscaling beside the repository.
    [string] $Data = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'shared', 'data', 'obsscaling')),
    [int] $Resamples = 200
)

$ErrorActionPreference = 'Stop'
. ([System.IO.Path]::Combine($PSScriptRoot, 'ensure-module.ps1'))
$base = [System.IO.Path]::Combine($Data, 'base_llm_benchmark_eval.csv')
$post = [System.IO.Path]::Combine($Data, 'base_llm_post_training_eval.csv')
if (-not [System.IO.File]::Exists($base) -or -not [System.IO.File]::Exists($post)) {
    throw ("The paper's data was not found in '$Data'. The files base_llm_benchmark_eval.csv and " +
        "base_llm_post_training_eval.csv are published with the paper's code (github.com/ryoungj/ObsScaling, folder " +
        "eval_results, Apache-2.0): download them into a folder and pass it with -Data <folder>.")
}

# The paper's default base set: the evaluated families, without the models preregistered after May 2024 (77 models).
$families = 'Llama-2', 'Llama', 'Llama-3', 'Llama-3.1', 'Qwen2', 'Qwen1.5', 'Qwen', 'Mistral', 'Mixtral', 'Yi', 'Yi-1.5',
    'Gemma', 'Gemma-2', 'Falcon', 'Phi', 'Pythia', 'BLOOM', 'GPT-Neo/J', 'OPT', 'MPT', 'XGLM', 'CodeLlama',
    'StarCoder', 'StarCoder2', 'DeepSeek-Coder', 'DeepSeek-V2', 'DeepSeek-Coder-V2', 'Jamba'
$preregistered = 'meta-llama/Meta-Llama-3.1-405B-FP8', 'meta-llama/Meta-Llama-3.1-70B', 'meta-llama/Meta-Llama-3.1-8B',
    'Qwen/Qwen1.5-110B', 'Qwen/Qwen2-72B', 'Qwen/Qwen2-57B-A14B', 'Qwen/Qwen2-7B', 'Qwen/Qwen2-1.5B', 'Qwen/Qwen2-0.5B',
    'deepseek-ai/DeepSeek-V2', 'deepseek-ai/DeepSeek-Coder-V2-Base', 'google/gemma-2-27b', 'google/gemma-2-9b',
    'google/gemma-2-2b', 'mistralai/Mixtral-8x22B-v0.1', 'mistralai/Mistral-Nemo-Base-2407', '01-ai/Yi-1.5-34B',
    '01-ai/Yi-1.5-9B', '01-ai/Yi-1.5-6B', 'ai21labs/Jamba-v0.1'
$null = Import-ObsModel -Path $base, $post -Join |
    Where-Object { $families -contains $_.Family -and $preregistered -notcontains $_.Name } |
    Import-ObsModel -Dataset paper-post -Mode Replace -Confirm:$false

$axis = 'MMLU', 'ARC-C', 'HellaSwag', 'Winograd', 'TruthfulQA', 'XWinograd', 'HumanEval'
$comparisons = @(
    @{ Name = 'GSM8K'; Baseline = 'gsm8k_5_exact_match,flexible-extract'
       Techniques = 'gsm8k_cot_8_exact_match,flexible-extract', 'gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract' },
    @{ Name = 'BBH'; Baseline = 'bbh_fewshot_overall_3_exact_match,flexible-extract'
       Techniques = , 'bbh_cot_fewshot_overall_3_exact_match,flexible-extract' }
)
$short = @{
    'gsm8k_5_exact_match,flexible-extract' = 'greedy'
    'gsm8k_cot_8_exact_match,flexible-extract' = 'CoT'
    'gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract' = 'CoT+SC(5)'
    'bbh_fewshot_overall_3_exact_match,flexible-extract' = 'BBH few-shot'
    'bbh_cot_fewshot_overall_3_exact_match,flexible-extract' = 'BBH CoT'
}

foreach ($c in $comparisons) {
    $out = Compare-ObsTechnique -Dataset paper-post -Baseline $c.Baseline -Technique $c.Techniques -CapabilityMetric $axis `
        -ReferenceFamily Llama-2 -Interval FamilyBootstrap -Resamples $Resamples -GridFrom 0 -GridTo 3.5 -GridPoints 8
    "== $($c.Name): gain over $($short[$c.Baseline]) on Llama-2-equivalent FLOPs (90% paired family bootstrap, $Resamples replicates)"
    $out.Where({ $_ -is [ObsScaling.PowerShell.Model.ObsTechniquePoint] -and $_.Technique -ne $c.Baseline }).ForEach({
        [pscustomobject]@{
            Flops     = '{0:0.0E+0}' -f $_.Flops
            Technique = $short[$_.Technique]
            Predicted = [math]::Round($_.Predicted, 4)
            Gain      = [math]::Round($_.Gain, 4)
            Lower     = [math]::Round($_.Lower, 4)
            Upper     = [math]::Round($_.Upper, 4)
        }
    })
    $out.Where({ $_ -is [ObsScaling.PowerShell.Model.ObsTechniqueCrossing] }).ForEach({
        [pscustomobject]@{
            Crossing      = '{0} overtakes {1}' -f $short[$_.Later], $short[$_.Earlier]
            Flops         = '{0:0.00E+0}' -f $_.Flops
            Interval      = '[{0:0.0E+0}, {1:0.0E+0}]' -f [math]::Pow(10, $_.Lower + 21), [math]::Pow(10, $_.Upper + 21)
            Score         = [math]::Round($_.Value, 4)
            CrossingShare = $_.CrossingShare
        }
    })
}
