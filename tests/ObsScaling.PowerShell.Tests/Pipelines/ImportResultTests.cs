using System.Management.Automation;
using ObsScaling.Core.Import;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;
using ObsScaling.Testing;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>
/// Import-ObsResult in hosted pipelines over a real loopback server: the paper's leaderboard-v2 BBH analysis laid
/// out as the harness writes it (one folder per model, same file name in each) is imported by wildcard, decomposed
/// and fitted, reproducing the golden test MSE; bad files become error records naming file:line:column.
/// </summary>
public sealed class ImportResultTests(KestrelServer server) : IClassFixture<KestrelServer>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-import-").FullName;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public void Harness_runs_import_decompose_and_fit_to_the_golden_values()
    {
        PaperData.SkipIfAbsent();
        var paper = PaperAnalyses.LeaderboardV2(name => File.OpenText(PaperData.PathOf(name)), "bbh").Models;
        foreach (var m in paper.Models)
        {
            var folder = Directory.CreateDirectory(Path.Combine(_dir, "out", m.Name.Replace("/", "__", StringComparison.Ordinal)));
            File.WriteAllText(Path.Combine(folder.FullName, "results_2024-07-01T09-30-00.123456.json"), LmEvalFiles.Results(m));
        }

        File.WriteAllText(Path.Combine(_dir, "sizes.csv"), LmEvalFiles.Metadata(paper.Models));
        using var host = server.Connect();
        var output = host.RunClean(
            """
            $ds = Import-ObsResult -Path "$dir/out/*/results_*.json" -Format LmEvalHarness -Metric $metrics -AllowMissingTask -MetadataPath "$dir/sizes.csv" -Dataset harness-bbh
            $ds
            $ds | Invoke-ObsDecomposition -Metric $nongsm -SpaceOnly |
                Invoke-ObsFit -Target leaderboard_bbh -Transform MinMax -TransformLow $low -TransformHigh 1 -Link Sigmoid -Loss Huber -Split Cutoff -SplitColumn 'FLOPs (1E21)' -SplitThreshold 84 -Name bbh
            """,
            new Dictionary<string, object?>
            {
                ["dir"] = _dir,
                ["metrics"] = LmEvalFiles.Selections(paper.MetricOrder),
                ["nongsm"] = PaperMetrics.NonGsmBenchmarks.ToArray(),
                ["low"] = PaperMetrics.BbhRandomMean,
            });

        var dataset = ModuleHost.Base<ObsDataset>(output[0]);
        Assert.Equal(paper.Count, dataset.ModelsAdded);
        Assert.Equal(paper.Models.Select(m => m.Family!).Distinct().Order(StringComparer.Ordinal), dataset.Families.Order(StringComparer.Ordinal));
        var law = ModuleHost.Base<ObsLaw>(output[1]);
        var golden = Golden.Case("holdouts", "lbv2_bbh_pc3");
        Golden.RelativeClose(golden.GetProperty("mse_test_ls_tight").GetDouble(), law.TestMse, 1e-6, "test MSE");
        Assert.Equal(PaperMetrics.NonGsmBenchmarks.ToArray(), law.Spec.CapabilityMetrics.ToArray());
        Assert.Contains(host.Shell.Streams.Progress, p => p.Activity.StartsWith("Uploading result files", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_dataset_the_models_are_returned()
    {
        using var host = server.Connect();
        var output = host.RunClean(
            "Import-ObsResult -Path $tidy -Format TidyCsv -MetadataPath $meta -FamilyRule '^acme/base-(\\d+)b$ => Acme-$1B'",
            new Dictionary<string, object?> { ["tidy"] = Fixture("tidy.csv"), ["meta"] = Fixture("tidy_metadata.csv") });
        var models = output.Select(ModuleHost.Base<ObsModel>).ToList();
        Assert.Equal(["acme/base-1b", "acme/base-7b"], models.Select(m => m.Name));
        Assert.Equal("Acme", models[0].Family); // the metadata's family column wins over the rule
        Assert.Equal(13.2, models[0].FlopsE21!.Value, 9);
        Assert.Equal(0.21, models[1].Scores["GSM8K"]);
    }

    [Fact]
    public void A_malformed_file_is_an_error_record_naming_file_line_and_column_locally_and_through_the_server()
    {
        using var host = server.Connect();
        var vars = new Dictionary<string, object?> { ["bad"] = Fixture("results_bad_syntax.json") };
        Assert.Empty(host.Run("Import-ObsResult -Path $bad -Format LmEvalHarness -Metric 'mmlu=acc,none'", vars));
        var local = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.InvalidData, local.CategoryInfo.Category);
        Assert.Contains("results_bad_syntax.json:5:7", local.Exception.Message, StringComparison.Ordinal);

        Assert.Empty(host.Run("Import-ObsResult -Path $bad -Format LmEvalHarness -Metric 'mmlu=acc,none' -Dataset never", vars));
        var remote = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, remote.CategoryInfo.Category);
        Assert.Contains("results_bad_syntax.json:5:7", remote.ToString(), StringComparison.Ordinal);
        Assert.Empty(host.Run("Get-ObsDataset -Dataset never -ErrorAction SilentlyContinue"));
    }

    [Fact]
    public void Leaderboard_v2_without_a_scale_is_refused_and_with_one_is_imported()
    {
        using var host = server.Connect();
        var vars = new Dictionary<string, object?> { ["v2"] = Fixture("open-llm-leaderboard-v2.json") };
        Assert.Empty(host.Run("Import-ObsResult -Path $v2 -Format OpenLlmLeaderboardV2", vars));
        Assert.Contains("choose Raw or Normalized", Assert.Single(host.Errors).Exception.Message, StringComparison.Ordinal);

        var ds = ModuleHost.Base<ObsDataset>(host.RunClean("Import-ObsResult -Path $v2 -Format OpenLlmLeaderboardV2 -Scale Normalized -Dataset v2-norm", vars).Single());
        Assert.Equal(4, ds.ModelsAdded);
        Assert.Contains(ds.MetricInfo, m => m.Name == "MMLU-PRO" && m.Max == 100);
    }
}
