# ObsScaling quickstart: no setup, no downloads.
#   dotnet pwsh -File examples/quickstart.ps1   (after dotnet tool restore and dotnet pwsh ./build.ps1)
#   dotnet run --project src/ObsScaling.Shell -- -File examples/quickstart.ps1
# Draws a seeded synthetic model zoo from a known generalised scaling law (families with their own compute
# efficiency, benchmark scores from a latent capability space, a sigmoid downstream task), stores it in the
# embedded server, decomposes it, fits the downstream law on the smaller models and forecasts the larger ones.
param(
    [int] $Seed = 7,
    [int] $Families = 16,
    [double] $CutoffFlops = 30
)

$ErrorActionPreference = 'Stop'
. ([System.IO.Path]::Combine($PSScriptRoot, 'ensure-module.ps1'))

# 1. A zoo whose true law we know.
$zoo = New-ObsSyntheticZoo -Seed $Seed -Families $Families -ModelsPerFamily 6
$benchmarks = @($zoo[0].Scores.Keys | Where-Object { $_ -like 'bench-*' } | ForEach-Object { $_ })
$null = $zoo | Import-ObsModel -Dataset quickstart -Mode Replace

# 2. The capability space: how much of the benchmark variance the first PCs carry.
$space = Invoke-ObsDecomposition -Dataset quickstart -Metric $benchmarks -SpaceOnly
$ratio = $space.ExplainedVarianceRatio
"Capability space: PC-1 explains {0:P1} of the benchmark variance, PC-1..3 {1:P1} ({2} models, imputation converged: {3})" -f $ratio[0], ($ratio[0] + $ratio[1] + $ratio[2]), $space.ModelCount, $space.ImputationConverged

# 3. Fit the downstream law on models trained with at most $CutoffFlops × 1e21 FLOPs; the rest are held out.
$law = Invoke-ObsFit -Dataset quickstart -Name quickstart -Force -Target downstream -CapabilityMetric $benchmarks `
    -Split Cutoff -SplitColumn 'FLOPs (1E21)' -SplitThreshold $CutoffFlops -ReferenceFamily family-01 -Interval FamilyBootstrap
"Law: {0}" -f $law.Formula
"Train MSE {0:E2} on {1} models; test MSE {2:E2} on {3} held-out models; {4:P0} of them inside their 90% family-bootstrap interval" -f $law.TrainMse, $law.TrainCount, $law.TestMse, $law.TestCount, $law.Coverage

# 4. Forecast the held-out models and set the forecasts beside what they actually scored.
$actual = @{}
foreach ($m in $zoo) { $actual[$m.Name] = $m.Scores['downstream'] }
$law | Get-ObsForecast | ForEach-Object {
    [pscustomobject]@{
        Model     = $_.Model
        Actual    = [math]::Round($actual[$_.Model], 4)
        Predicted = [math]::Round($_.PredictedRaw, 4)
        Error     = [math]::Round($_.PredictedRaw - $actual[$_.Model], 4)
        Interval90 = '[{0:0.000}, {1:0.000}]' -f $_.LowerRaw, $_.UpperRaw
        RefEquivalentFlops = if ($null -ne $_.EquivalentFlopsE21) { '{0:0.00E+00}' -f ($_.EquivalentFlopsE21 * 1e21) } else { '' }
    }
}

# 5. The same split with compute-only laws, for comparison.
Invoke-ObsBacktest -Fit $law.Fit
