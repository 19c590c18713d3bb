using ObsScaling.Core.Domain;
using ObsScaling.Core.Import;
using ObsScaling.Core.Tests.Support;

namespace ObsScaling.Core.Tests.Import;

public class PaperCsvReaderTests
{
    private const string Header = "Model,Model Family,Model Size (B),Pretraining Data Size (T),FLOPs (1E21),MMLU,GSM8K";

    private static ModelSet Parse(string text) => PaperCsvReader.Read(new StringReader(text), "test.csv");

    [Fact]
    public void Reads_metadata_scores_and_missing_cells()
    {
        var set = Parse(Header + "\nm1,F,7,2,,0.4,\nm2,F,13,,156,0.5,0.2\n");
        Assert.Equal(2, set.Count);
        Assert.Equal(84, set[0].FlopsE21); // 6·N·D filled in
        Assert.True(double.IsNaN(set[0].Score("GSM8K")));
        Assert.Null(set[1].TokensT);
        Assert.Equal(156, set[1].FlopsE21);
        Assert.Equal(["MMLU", "GSM8K"], set.MetricOrder.ToArray());
        Assert.Equal(0.25, set.Metrics["MMLU"].Chance);
    }

    [Fact]
    public void Quoted_headers_with_commas_are_one_column()
    {
        var set = Parse("Model,\"gsm8k_5_exact_match,flexible-extract\"\nm,0.3\n");
        Assert.Equal(0.3, set[0].Score("gsm8k_5_exact_match,flexible-extract"));
    }

    [Theory]
    [InlineData("m1,F,7,2,,abc,0.1", 2, "MMLU", "abc")]
    [InlineData("m1,F,7,2,,1.5,0.1", 2, "MMLU", "1.5")]
    [InlineData("m1,F,-7,2,,0.5,0.1", 2, "Model Size (B)", "-7")]
    [InlineData("m1,F,7,2,,NaN,0.1", 2, "MMLU", "NaN")]
    [InlineData(",F,7,2,,0.5,0.1", 2, "Model", "")]
    public void Bad_cells_name_file_line_column_and_value(string row, int line, string column, string value)
    {
        var ex = Assert.Throws<CsvImportException>(() => Parse(Header + "\n" + row + "\n"));
        Assert.Equal("test.csv", ex.Source);
        Assert.Equal(line, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Equal(value, ex.Violations[0].Value);
        Assert.Equal($"test.csv:{line}", ex.Violations[0].Field);
    }

    [Fact]
    public void Duplicate_models_and_ragged_rows_are_rejected()
    {
        var dup = Assert.Throws<CsvImportException>(() => Parse(Header + "\nm,F,1,1,,0.1,0.1\nm,F,1,1,,0.1,0.1\n"));
        Assert.Equal(3, dup.Line);
        Assert.Contains("duplicate", dup.Message, StringComparison.Ordinal);
        var ragged = Assert.Throws<CsvImportException>(() => Parse(Header + "\nm,F,1,1,,0.1\n"));
        Assert.Equal(2, ragged.Line);
    }

    [Fact]
    public void Missing_model_column_or_empty_file_is_a_clear_error()
    {
        Assert.Contains("Model", Assert.Throws<CsvImportException>(() => Parse("Name,MMLU\nm,0.1\n")).Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<CsvImportException>(() => Parse("")).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Every_public_file_imports()
    {
        PaperData.SkipIfAbsent();
        var expected = new Dictionary<string, (int Rows, int Metrics)>
        {
            [PaperDatasets.BaseBenchmarkFile] = (148, 8),
            [PaperDatasets.BaseBenchmarkSub10BFile] = (92, 8),
            [PaperDatasets.EmergentFile] = (84, 8),
            [PaperDatasets.LeaderboardV2File] = (72, 6),
            [PaperDatasets.PostTrainingFile] = (96, 234),
            [PaperDatasets.InstructBenchmarkFile] = (27, 9),
            [PaperDatasets.AgentFile] = (27, 29),
        };
        foreach (var file in PaperDatasets.AllFiles)
        {
            var set = PaperData.Read(file);
            Assert.Equal(expected[file], (set.Count, set.Metrics.Count));
        }
    }

    [SkippableFact]
    public void Default_base_set_is_77_models_from_21_families()
    {
        PaperData.SkipIfAbsent();
        var set = PaperData.DefaultBase();
        Assert.Equal(77, set.Count);
        Assert.Equal(21, set.Models.Select(m => m.Family).Distinct().Count());
        Assert.DoesNotContain(set.Models, m => PaperDatasets.PreregisteredModels.Contains(m.Name));
        Assert.Equal(2, set.Column("ARC-C").Count(double.IsNaN));
        Assert.Equal(4, set.Column("HumanEval").Count(double.IsNaN));
        Assert.Equal(84, set.Models.Single(m => m.Name == "meta-llama/Llama-2-7b-hf").FlopsE21);
    }

    [SkippableFact]
    public void Downstream_files_join_on_model()
    {
        PaperData.SkipIfAbsent();
        var joined = PaperDatasets.LoadInstructWithAgents(PaperData.Open);
        Assert.Equal(27, joined.Count);
        Assert.Equal(22, joined.Column("ABench-OA").Count(double.IsFinite));
        Assert.Equal(11, joined.Column("ABoard-Avg_PR").Count(double.IsFinite));
        Assert.Equal(new MetricInfo("ABench-OA", 0, 10, 0), joined.Metrics["ABench-OA"]);
    }

    [Fact]
    public void Bbh_random_mean_matches_the_reference()
    {
        Assert.Equal(27, PaperMetrics.BbhRandom.Count);
        Assert.Equal(7.0857142857 / 27, PaperMetrics.BbhRandomMean, 9);
        Assert.Equal(PaperMetrics.BbhRandomMean, PaperMetrics.Describe("leaderboard_bbh").Chance);
    }
}
