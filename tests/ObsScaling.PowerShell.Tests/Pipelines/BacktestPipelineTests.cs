using System.Management.Automation;
using System.Text.Json;
using ObsScaling.Core.Import;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using ObsScaling.PowerShell.Tests.Support;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>
/// Comparing backtests in hosted PowerShell pipelines over a real loopback server: the paper's post-training
/// analysis left one family out against tests/golden/backtests_reference.py, a sweep with coverage on a synthetic
/// zoo, and bad inputs as error records with a category.
/// </summary>
public sealed class BacktestPipelineTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    private const string Zoo = "New-ObsSyntheticZoo -Seed 7 -Families 10 -ModelsPerFamily 5 | Import-ObsModel -Dataset bt-zoo -Mode Replace -Confirm:$false | Out-Null";
    private const string Spec = "Invoke-ObsBacktest bt-zoo -Target downstream -Split TopFraction -SplitColumn flops -SplitFraction 0.2 -ReferenceFamily family-01";

    [SkippableFact]
    public void Paper_post_training_left_one_family_out_matches_the_reference()
    {
        PaperData.SkipIfAbsent();
        using var host = server.Connect();
        var rows = host.RunClean(
            "Invoke-ObsPaperBacktest PostTraining -Data $data -LeaveOneFamilyOut -Compare PC3, LogFlops, Benchmark:MMLU",
            new Dictionary<string, object?> { ["data"] = Path.GetDirectoryName(PaperData.PathOf(PaperDatasets.BaseBenchmarkFile)) })
            .Select(ModuleHost.Base<ObsBacktestRow>).ToArray();

        // Three GSM8K techniques × three predictor sets, all on the one uploaded dataset.
        Assert.Equal(9, rows.Length);
        Assert.All(rows, r => Assert.Equal(("paper-posttraining", "LeaveOneFamilyOut"), (r.Dataset, r.Mode)));
        Assert.Equal(3, rows.Count(r => r.Best));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "backtests_reference.json")));
        var expected = doc.RootElement.GetProperty("leave_one_family_out").EnumerateArray().ToArray();
        var cot = rows.Where(r => r.Target == PaperAnalyses.GsmCot).ToArray();
        Assert.Equal(["PC-1..3", "ln FLOPs", "MMLU"], cot.Select(r => r.Predictors));
        for (var s = 0; s < 3; s++)
        {
            var e = expected[s].GetProperty("pooled_test_mse").GetDouble();
            Assert.True(Math.Abs(cot[s].TestMse!.Value - e) <= 1e-5 * e, $"{cot[s].Predictors}: {cot[s].TestMse:R} vs {e:R}");
            Assert.Equal(expected[s].GetProperty("folds").GetArrayLength(), cot[s].Families.Length);
        }

        Assert.Contains(host.Shell.Streams.Progress, p => p.ActivityId == 3);
    }

    [Fact]
    public void Sweep_compares_seven_predictor_sets_with_coverage_and_area_under_error()
    {
        using var host = server.Connect();
        host.RunClean(Zoo);
        var rows = host.RunClean(Spec + " -Sweep -HeldOutShare 0.1, 0.2, 0.3 -Compare PC1, PC2, PC3, PC4, LogFlops, LogParams, Benchmark:bench-1 -Interval Parametric -IntervalLevel 0.8")
            .Select(ModuleHost.Base<ObsBacktestRow>).ToArray();
        Assert.Equal(["PC-1", "PC-1..2", "PC-1..3", "PC-1..4", "ln FLOPs", "ln params", "bench-1"], rows.Select(r => r.Predictors));
        Assert.All(rows, r =>
        {
            Assert.Equal("CutoffSweep", r.Mode);
            Assert.Equal([0.1, 0.2, 0.3], r.Sweep.Select(p => p.HeldOutShare));
            Assert.Equal(0.8, r.CoverageLevel);
            Assert.Equal(r.CoverageInside / (double)r.CoverageCount, r.Coverage!.Value, 12);
            var area = (0.1 * (r.Sweep[0].TestMse!.Value + r.Sweep[1].TestMse!.Value) / 2) + (0.1 * (r.Sweep[1].TestMse!.Value + r.Sweep[2].TestMse!.Value) / 2);
            Assert.Equal(area, r.AreaUnderError!.Value, 12);
        });
        var best = Assert.Single(rows, r => r.Best);
        Assert.StartsWith("PC-", best.Predictors, StringComparison.Ordinal);
        Assert.True(rows[1].AreaUnderError * 3 < rows[4].AreaUnderError, $"PC-1..2 {rows[1].AreaUnderError} vs ln FLOPs {rows[4].AreaUnderError}");
    }

    [Theory]
    [InlineData("-Sweep -HeldOutShare 0.2, 1.5", "sweep.held_out_shares[1]")]
    [InlineData("-Sweep -HeldOutShare @()", "sweep.held_out_shares")]
    [InlineData("-Compare LogFlops, Benchmark:MMLU", "compare[1].metrics[0]")]
    [InlineData("-LeaveOneFamilyOut -Family family-01, Nope", "leave_one_family_out.families[1]")]
    public void Bad_backtest_settings_are_InvalidArgument_naming_the_field(string arguments, string field)
    {
        using var host = server.Connect();
        host.RunClean(Zoo);
        var output = host.Run(Spec + " " + arguments);
        Assert.Empty(output);
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(Assert.IsType<ObsServiceException>(error.Exception).Violations, v => v.StartsWith(field + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_predictor_set_name_is_InvalidArgument_before_any_call()
    {
        using var host = server.Connect();
        host.Run("Invoke-ObsBacktest no-such-dataset -Target downstream -Compare PC2, Wat");
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("Wat", error.TargetObject);
    }

    [Fact]
    public void Missing_paper_data_is_ObjectNotFound()
    {
        using var host = server.Connect();
        host.Run("Invoke-ObsPaperBacktest Agents -Data $dir", new Dictionary<string, object?> { ["dir"] = Path.Combine(Path.GetTempPath(), "no-paper-data-here") });
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }
}
