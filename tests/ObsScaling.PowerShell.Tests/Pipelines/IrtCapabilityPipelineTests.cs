using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>An item-response capability law through the module: fitted, stored, forecast and backtested by its cmdlets.</summary>
public sealed class IrtCapabilityPipelineTests : InMemoryServer
{
    private const string Zoo =
        "$zoo = New-ObsSyntheticZoo -Seed 5 -Families 12 -ModelsPerFamily 5 -MissingFraction 0.2; " +
        "$null = $zoo | Import-ObsModel -Dataset irt; " +
        "$benchmarks = 1..8 | ForEach-Object { \"bench-$_\" }; ";

    [Fact]
    public void An_irt_capability_law_fits_and_forecasts_its_test_models_as_the_fit_predicted_them()
    {
        using var host = new ModuleHost();
        Attach(host);
        var output = host.RunClean(Zoo +
            "Invoke-ObsFit irt -Target downstream -CapabilityMetric $benchmarks -IrtAnchorBenchmark bench-2 -Split Cutoff -SplitColumn 'FLOPs (1E21)' -SplitThreshold 30 -Name irt-law | Get-ObsForecast");
        var forecasts = output.Select(ModuleHost.Base<ObsForecast>).ToArray();
        var law = ModuleHost.Base<ObsLaw>(host.RunClean("Get-ObsFit -Dataset irt -Name irt-law").Single());
        Assert.Equal(["C (IRT)"], law.PredictorNames);
        Assert.Equal(Grpc.V1.PredictorKind.IrtCapability, law.Spec.Predictors.Kind);
        Assert.Equal("bench-2", law.Spec.Irt.AnchorBenchmark);
        Assert.Equal(law.TestCount, forecasts.Length);
        var stored = law.Predictions.Where(p => !p.InTrain).ToDictionary(p => p.Model);
        Assert.All(forecasts, f => Assert.Equal(stored[f.Model].Predicted, f.Predicted, 9));

        // The stored spec comes back in the module's terms and refits unchanged.
        var spec = ObsFitSpec.FromProto(law.Spec);
        Assert.Equal((ObsPredictorKind.IrtCapability, "bench-2"), (spec.Predictor, spec.IrtAnchorBenchmark));
        Assert.Equal(law.Spec, spec.ToProto());
    }

    [Fact]
    public void Backtests_compare_the_irt_capability_by_name()
    {
        using var host = new ModuleHost();
        Attach(host);
        var rows = host.RunClean(Zoo + "Invoke-ObsBacktest irt -Target downstream -CapabilityMetric $benchmarks -Split TopFraction -SplitColumn flops -SplitFraction 0.2 -Compare PC3, LogFlops, Irt")
            .Select(ModuleHost.Base<ObsBacktestRow>).ToArray();
        Assert.Equal(["PC-1..3", "ln FLOPs", "IRT capability"], rows.Select(r => r.Predictors));
        Assert.All(rows, r => Assert.True(r.TestMse is > 0 and < 1, $"{r.Predictors}: {r.TestMse}"));
    }
}
