using System.Globalization;
using System.Management.Automation;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>
/// Flat, round-trippable output: models exported in the paper's wide CSV and read back (the paper's own files too), forecast predictors as one
/// readable cell, an unknown column in a paper CSV named as such, and unavailable backtest rows as nulls, not zeros.
/// </summary>
public sealed class ExportAndBaselineTests(KestrelServer server) : IClassFixture<KestrelServer>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("obs-ps-export-").FullName;

    [Fact]
    public void Export_ObsModel_writes_the_wide_layout_that_Import_ObsModel_reads_back()
    {
        using var host = new ModuleHost();
        var file = Path.Combine(_directory, "zoo.csv");
        var zoo = host.RunClean("New-ObsSyntheticZoo -Seed 11 -Families 3 -ModelsPerFamily 3").Select(ModuleHost.Base<ObsModel>).ToArray();
        host.RunClean("$z | Export-ObsModel -Path $f", new Dictionary<string, object?> { ["z"] = zoo, ["f"] = file });
        var header = File.ReadLines(file).First().Split(',');
        Assert.Equal(["Model", "Model Family", "Model Size (B)", "Pretraining Data Size (T)", "FLOPs (1E21)"], header[..5]);
        Assert.Equal(zoo[0].Metrics.Select(m => m.Name), header[5..]);

        var back = host.RunClean("Import-ObsModel -Path $f", new Dictionary<string, object?> { ["f"] = file }).Select(ModuleHost.Base<ObsModel>).ToArray();
        Assert.Equal(zoo.Length, back.Length);
        for (var i = 0; i < zoo.Length; i++)
        {
            Assert.Equal((zoo[i].Name, zoo[i].Family, zoo[i].ParametersB, zoo[i].TokensT, zoo[i].FlopsE21), (back[i].Name, back[i].Family, back[i].ParametersB, back[i].TokensT, back[i].FlopsE21));
            Assert.Equal(zoo[i].Scores.OrderBy(kv => kv.Key, StringComparer.Ordinal), back[i].Scores.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        }

        // An existing file is kept unless -Force.
        host.Run("$z | Export-ObsModel -Path $f", new Dictionary<string, object?> { ["z"] = zoo, ["f"] = file });
        Assert.Equal(ErrorCategory.ResourceExists, Assert.Single(host.Errors).CategoryInfo.Category);
        host.RunClean("$z[0] | Export-ObsModel -Path $f -Force", new Dictionary<string, object?> { ["z"] = zoo, ["f"] = file });
        Assert.Equal(2, File.ReadAllLines(file).Length);
    }

    [SkippableTheory]
    [InlineData("base_llm_benchmark_eval.csv")]
    [InlineData("base_llm_emergent_capability_eval.csv")]
    [InlineData("base_llm_leaderboard_v2_eval.csv")]
    [InlineData("base_llm_post_training_eval.csv")]
    [InlineData("instruct_llm_agent_eval.csv")]
    [InlineData("instruct_llm_benchmark_eval.csv")]
    public void Export_ObsModel_round_trips_the_papers_files_through_Import_ObsModel(string name)
    {
        PaperData.SkipIfAbsent();
        using var host = new ModuleHost();
        var vars = new Dictionary<string, object?> { ["paper"] = PaperData.PathOf(name), ["f"] = Path.Combine(_directory, name) };
        var paper = host.RunClean("Import-ObsModel -Path $paper", vars).Select(ModuleHost.Base<ObsModel>).ToArray();
        Assert.True(paper.Length > 20, $"{paper.Length} models");
        host.RunClean("$m = Import-ObsModel -Path $paper; $m | Export-ObsModel -Path $f", vars);
        var back = host.RunClean("Import-ObsModel -Path $f", vars).Select(ModuleHost.Base<ObsModel>).ToArray();
        Assert.Equal(paper.Length, back.Length);
        for (var i = 0; i < paper.Length; i++)
        {
            Assert.Equal((paper[i].Name, paper[i].Family, paper[i].ParametersB, paper[i].TokensT, paper[i].FlopsE21), (back[i].Name, back[i].Family, back[i].ParametersB, back[i].TokensT, back[i].FlopsE21));
            Assert.Equal(paper[i].Scores.OrderBy(kv => kv.Key, StringComparer.Ordinal), back[i].Scores.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        }

        // The metric columns keep the paper's order (what notebooks index by position).
        Assert.Equal(paper[0].Metrics.Select(m => m.Name), back[0].Metrics.Select(m => m.Name));
    }

    [Fact]
    public void Export_ObsModel_quotes_names_and_families_that_need_it()
    {
        using var host = new ModuleHost();
        var file = Path.Combine(_directory, "quoted.csv");
        var zoo = host.RunClean("New-ObsSyntheticZoo -Seed 3 -Families 2 -ModelsPerFamily 2").Select(ModuleHost.Base<ObsModel>).ToArray();
        zoo[0].Name = "Falcon, \"7B\" base";
        zoo[1].Family = "Llama\n2";
        zoo[2].Name = "qwen;1.5";
        host.RunClean("$z | Export-ObsModel -Path $f", new Dictionary<string, object?> { ["z"] = zoo, ["f"] = file });
        var text = File.ReadAllText(file);
        Assert.Contains("\"Falcon, \"\"7B\"\" base\",", text, StringComparison.Ordinal);
        Assert.Contains("\"Llama\n2\"", text, StringComparison.Ordinal);
        Assert.Contains("\nqwen;1.5,", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
        var back = host.RunClean("Import-ObsModel -Path $f", new Dictionary<string, object?> { ["f"] = file }).Select(ModuleHost.Base<ObsModel>).ToArray();
        Assert.Equal(zoo.Select(m => (m.Name, m.Family)), back.Select(m => (m.Name, m.Family)));
    }

    [Fact]
    public void An_unknown_text_column_in_a_paper_csv_is_reported_as_an_unknown_column()
    {
        using var host = new ModuleHost();
        var file = Path.Combine(_directory, "notes.csv");
        File.WriteAllText(file, "Model,Model Family,FLOPs (1E21),MMLU,Notes\nm1,f,10,0.5,good model\n");
        host.Run("Import-ObsModel -Path $f", new Dictionary<string, object?> { ["f"] = file });
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains("unknown column 'Notes'", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not a finite number", error.ToString(), StringComparison.Ordinal);

        // A number column with a bad number is still that.
        File.WriteAllText(file, "Model,Model Family,FLOPs (1E21),MMLU\nm1,f,10,NaN\n");
        host.Run("Import-ObsModel -Path $f", new Dictionary<string, object?> { ["f"] = file });
        Assert.Contains("not a finite number", Assert.Single(host.Errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unavailable_predictor_set_has_null_errors_and_counts_and_forecast_predictors_print_as_one_cell()
    {
        using var host = server.Connect();
        var zoo = host.RunClean("New-ObsSyntheticZoo -Seed 7 -Families 8 -ModelsPerFamily 5").Select(ModuleHost.Base<ObsModel>).ToArray();
        var cutoff = zoo.Select(m => m.FlopsE21!.Value).Order().ElementAt(zoo.Length / 2);

        // "sparse" is known for the small models only, so no held-out model has it.
        var sparse = new ObsMetric { Name = "sparse", Min = 0, Max = 1 };
        var models = zoo.Select(m => new ObsModel
        {
            Name = m.Name,
            Family = m.Family,
            ParametersB = m.ParametersB,
            TokensT = m.TokensT,
            FlopsE21 = m.FlopsE21,
            Scores = m.FlopsE21 <= cutoff ? new Dictionary<string, double>(m.Scores) { ["sparse"] = 0.5 } : m.Scores,
            Metrics = [.. m.Metrics, sparse],
        }).ToArray();
        host.RunClean("$m | Import-ObsModel -Dataset sparse-zoo -Mode Replace -Confirm:$false | Out-Null", new Dictionary<string, object?> { ["m"] = models });
        var rows = host.RunClean(
            "Invoke-ObsBacktest sparse-zoo -Target downstream -CapabilityMetric bench-1, bench-2, bench-3 -SplitThreshold $c -ReferenceFamily family-01 -Compare LogFlops, Benchmark:sparse",
            new Dictionary<string, object?> { ["c"] = cutoff }).Select(ModuleHost.Base<ObsBacktestRow>).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.Empty(rows[0].Unavailable);
        Assert.NotNull(rows[0].TestMse);
        Assert.True(rows[0].TestCount > 0);
        Assert.NotEmpty(rows[1].Unavailable);
        Assert.Equal<object?>([null, null, null, null], [rows[1].TrainMse, rows[1].TestMse, rows[1].TrainCount, rows[1].TestCount]);
        Assert.False(rows[1].Best);

        var forecast = ModuleHost.Base<ObsForecast>(host.RunClean("Invoke-ObsFit sparse-zoo -Target downstream -CapabilityMetric bench-1, bench-2, bench-3 -SplitThreshold $c -ReferenceFamily family-01 | Get-ObsForecast", new Dictionary<string, object?> { ["c"] = cutoff })[0]);
        var cell = forecast.Predictors.ToString()!;
        Assert.Equal(forecast.Predictors, cell.Split(';').Select(v => double.Parse(v, CultureInfo.InvariantCulture)));
        Assert.Equal(3, forecast.Predictors.Count);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
