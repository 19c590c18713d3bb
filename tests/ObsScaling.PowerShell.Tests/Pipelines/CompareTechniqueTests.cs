using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;
using ObsScaling.Testing;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>Compare-ObsTechnique on the paper's post-training data: rows and crossings against the Python reference.</summary>
public sealed class CompareTechniqueTests : InMemoryServer
{
    [SkippableFact]
    public void Bbh_few_shot_vs_cot_rows_and_crossing_match_the_reference()
    {
        PaperData.SkipIfAbsent();
        using var host = new ModuleHost();
        Attach(host);
        var variables = new Dictionary<string, object?>
        {
            ["base"] = PaperData.PathOf("base_llm_benchmark_eval.csv"),
            ["post"] = PaperData.PathOf("base_llm_post_training_eval.csv"),
            ["families"] = Core.Import.PaperDatasets.EvalFamilies.ToArray(),
            ["prereg"] = Core.Import.PaperDatasets.PreregisteredModels.ToArray(),
            ["axis"] = Core.Import.PaperMetrics.NonGsmBenchmarks.ToArray(),
        };
        host.RunClean(
            "$null = Import-ObsModel -Path $base, $post -Join | Where-Object { $families -contains $_.Family -and $prereg -notcontains $_.Name } | " +
            "Import-ObsModel -Dataset post -Mode Replace -Confirm:$false",
            variables);
        var output = host.RunClean(
            "Compare-ObsTechnique post -Baseline 'bbh_fewshot_overall_3_exact_match,flexible-extract' " +
            "-Technique 'bbh_cot_fewshot_overall_3_exact_match,flexible-extract' -CapabilityMetric $axis -ReferenceFamily Llama-2 -Interval None",
            variables);
        var golden = Golden.File("techniques_reference.json").GetProperty("comparisons").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "bbh");
        var gain = golden.GetProperty("gain")[1].EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var rows = output.Where(o => o.BaseObject is ObsTechniquePoint).Select(ModuleHost.Base<ObsTechniquePoint>).Where(p => p.Technique.StartsWith("bbh_cot", StringComparison.Ordinal)).ToArray();
        Assert.Equal(101, rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.True(Math.Abs(gain[i] - rows[i].Gain) < 1e-6, $"row {i}: {rows[i].Gain} vs {gain[i]}");
            Assert.Null(rows[i].Lower);
            Assert.Equal(Math.Pow(10, rows[i].Log10FlopsE21 + 21), rows[i].Flops, 1e-6 * rows[i].Flops);
        }

        var crossing = ModuleHost.Base<ObsTechniqueCrossing>(Assert.Single(output, o => o.BaseObject is ObsTechniqueCrossing));
        var expected = golden.GetProperty("crossings")[0];
        Assert.Equal(expected.GetProperty("log10_flops_e21").GetDouble(), crossing.Log10FlopsE21, 4);
        Assert.Equal("bbh_cot_fewshot_overall_3_exact_match,flexible-extract", crossing.Later);

        // With intervals: a gain interval on every non-baseline row, a crossing share.
        var withIntervals = host.RunClean(
            "Compare-ObsTechnique post -Baseline 'bbh_fewshot_overall_3_exact_match,flexible-extract' " +
            "-Technique 'bbh_cot_fewshot_overall_3_exact_match,flexible-extract' -CapabilityMetric $axis -Resamples 30 -GridFrom 0 -GridTo 3 -GridPoints 4",
            variables);
        Assert.All(
            withIntervals.Where(o => o.BaseObject is ObsTechniquePoint p && p.Technique.StartsWith("bbh_cot", StringComparison.Ordinal)).Select(ModuleHost.Base<ObsTechniquePoint>),
            p => Assert.True(p.Lower <= p.Gain + 1e-9 && p.Upper >= p.Gain - 1e-9, $"gain {p.Gain} outside [{p.Lower}, {p.Upper}]"));
        Assert.NotNull(withIntervals.Select(o => o.BaseObject).OfType<ObsTechniqueCrossing>().Single().CrossingShare);
        Assert.NotEmpty(host.Shell.Streams.Progress);
    }

    [Fact]
    public void Unknown_baseline_is_an_invalid_argument_error()
    {
        using var host = new ModuleHost();
        Attach(host);
        host.RunClean("$null = New-ObsSyntheticZoo -Seed 5 -Families 6 -ModelsPerFamily 4 | Import-ObsModel -Dataset zoo");
        host.Run("Compare-ObsTechnique zoo -Baseline nope -Technique downstream");
        var error = Assert.Single(host.Errors);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        // The record names the cmdlet parameter (-Baseline), not the contract's field.
        Assert.Contains("baseline", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
