using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>The module's cmdlets over an in-memory (TestHost) channel: the same chain, no socket at all.</summary>
public sealed class InMemoryServerTests : InMemoryServer
{
    [Fact]
    public void The_whole_chain_runs_over_a_testhost_channel()
    {
        using var host = new ModuleHost();
        Attach(host);

        var output = host.RunClean(
            "$zoo = New-ObsSyntheticZoo -Seed 5 -Families 12 -ModelsPerFamily 5; " +
            "$null = $zoo | Import-ObsModel -Dataset mem; " +
            "$benchmarks = 1..8 | ForEach-Object { \"bench-$_\" }; " +
            "Invoke-ObsDecomposition -Dataset mem -Metric $benchmarks -SpaceOnly | " +
            "Invoke-ObsFit -Target downstream -Split Cutoff -SplitColumn 'FLOPs (1E21)' -SplitThreshold 30 -Name mem-law | Get-ObsForecast");
        var forecasts = output.Select(ModuleHost.Base<ObsForecast>).ToArray();
        var law = ModuleHost.Base<ObsLaw>(host.RunClean("Get-ObsFit -Dataset mem -Name mem-law").Single());
        Assert.Equal(law.TestCount, forecasts.Length);
        Assert.True(law.TestMse < 0.01, $"test MSE {law.TestMse}");
        var stored = law.Predictions.Where(p => !p.InTrain).ToDictionary(p => p.Model);
        Assert.All(forecasts, f => Assert.Equal(stored[f.Model].Predicted, f.Predicted, 12));
        Assert.Equal("testhost", ModuleHost.Base<ObsConnection>(host.RunClean("Get-ObsConnection").Single()).Endpoint);
    }
}
