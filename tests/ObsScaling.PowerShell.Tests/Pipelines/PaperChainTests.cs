using System.Management.Automation;
using ObsScaling.Core.Import;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;
using ObsScaling.Testing;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>
/// Import-ObsModel | Invoke-ObsDecomposition | Invoke-ObsFit | Get-ObsForecast on the paper's agent data over a
/// real loopback server, checked against the golden values (tests/golden, agentbench_pc3).
/// </summary>
public sealed class PaperChainTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    private const string Chain = """
        $law = Import-ObsModel -Path $instruct, $agent -Join -Dataset agents |
            Invoke-ObsDecomposition -Metric $metrics |
            Invoke-ObsFit -Target ABench-OA -Transform MinMax -TransformHigh 10 -Split TopFraction -SplitColumn '@target' -SplitFraction 0.1 -ReferenceFamily Llama-2-Chat -Name agentbench
        $law
        $law | Get-ObsForecast
        """;

    [SkippableFact]
    public void Whole_chain_reproduces_the_golden_holdout_and_forecasts_the_held_out_models()
    {
        PaperData.SkipIfAbsent();
        using var host = server.Connect();
        var output = host.RunClean(Chain, new Dictionary<string, object?>
        {
            ["instruct"] = PaperData.PathOf(PaperDatasets.InstructBenchmarkFile),
            ["agent"] = PaperData.PathOf(PaperDatasets.AgentFile),
            ["metrics"] = PaperMetrics.InstructBenchmarks.ToArray(),
        });

        var golden = Golden.Case("holdouts", "agentbench_pc3");
        var law = ModuleHost.Base<ObsLaw>(output[0]);
        Assert.Equal("datasets/agents/fits/agentbench", law.Fit);
        Assert.Equal("agents", law.Dataset);
        Assert.Equal(golden.GetProperty("test_models").EnumerateArray().Select(v => v.GetString()!).ToArray(), law.TestModels.ToArray());
        Golden.RelativeClose(golden.GetProperty("mse_test_ls_tight").GetDouble(), law.TestMse, 1e-6, "test MSE");
        Golden.RelativeClose(golden.GetProperty("mse_train_ls_tight").GetDouble(), law.TrainMse, 1e-6, "train MSE");
        Assert.Equal(PaperMetrics.InstructBenchmarks.ToArray(), law.Spec.CapabilityMetrics.ToArray());
        Assert.Contains("σ", law.Formula, StringComparison.Ordinal);

        // The law piped alone forecasts its held-out models from their stored scores: the same numbers as the fit.
        var forecasts = output.Skip(1).Select(ModuleHost.Base<ObsForecast>).ToList();
        Assert.Equal(law.TestModels.ToArray(), forecasts.Select(f => f.Model).ToArray());
        foreach (var f in forecasts)
        {
            var stored = law.Predictions.Single(p => p.Model == f.Model);
            Assert.Equal(stored.Predicted, f.Predicted, 10);
            Assert.Equal(stored.Capability, f.Capability, 10);
            Assert.Equal(f.Predicted * 10, f.PredictedRaw, 10);
            Assert.NotNull(f.EquivalentLog10FlopsE21);
            Assert.Equal(law.Fit, f.Fit);
        }

        // Invoke-ObsFit wrote the service's progress stream as progress records.
        var progress = host.Shell.Streams.Progress.Where(p => p.ActivityId == 1).ToList();
        Assert.NotEmpty(progress);
        Assert.Contains(progress, p => p.RecordType == ProgressRecordType.Processing && p.PercentComplete is > 0 and < 100);
        Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);
    }

    [SkippableFact]
    public void Decomposition_returns_a_capability_per_model_then_the_space()
    {
        PaperData.SkipIfAbsent();
        using var host = server.Connect();
        var output = host.RunClean(
            "Import-ObsModel -Path $instruct -Dataset instruct-only -Mode Replace -Confirm:$false | Invoke-ObsDecomposition -Metric $metrics -Components 3",
            new Dictionary<string, object?> { ["instruct"] = PaperData.PathOf(PaperDatasets.InstructBenchmarkFile), ["metrics"] = PaperMetrics.InstructBenchmarks.ToArray() });
        var caps = output.Take(output.Count - 1).Select(ModuleHost.Base<ObsCapability>).ToList();
        var space = ModuleHost.Base<ObsCapabilitySpace>(output[^1]);
        Assert.Equal(space.ModelCount, caps.Count);
        Assert.All(caps, c => Assert.Equal(3, c.Scores.Count));
        Assert.Equal(3, space.Components);
        Assert.Equal(PaperMetrics.InstructBenchmarks.Count, space.Loadings[0].Count);
        Assert.InRange(space.ExplainedVarianceRatio[0], 0.5, 1.0);
        Assert.True(space.ImputationConverged);
    }
}
