using ObsScaling.Core.Domain;
using ObsScaling.Core.Import.Results;
using static ObsScaling.Core.Tests.Import.ResultFixtures;

namespace ObsScaling.Core.Tests.Import;

public class LeaderboardImportTests
{
    private static ModelSet Import(string file, ImportOptions options) => ResultImporter.Import([Source(file)], null, options);

    private static readonly ImportOptions V1First = new() { Format = ResultFormat.OpenLlmLeaderboardV1, Duplicates = DuplicatePolicy.First };

    [Fact]
    public void V1_percentages_become_fractions_under_the_papers_names()
    {
        var set = Import(V1, V1First);
        Assert.Equal(["meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-13b-hf", "mistralai/Mistral-7B-v0.1", "Qwen/Qwen1.5-7B", "EleutherAI/pythia-12b"], set.Models.Select(m => m.Name));
        var llama = set[0];
        Assert.Equal(0.5307, llama.Score("ARC-C"), 12);
        Assert.Equal(0.1448, llama.Score("GSM8K"), 12);
        Assert.Equal(0.7403, llama.Score("Winogrande"), 12);
        Assert.Equal(6.74, llama.ParametersB);
        Assert.Equal("Llama-2", llama.Family);
        Assert.Null(set[4].ParametersB); // the leaderboard's 0 means unknown
        Assert.Equal(["ARC-C", "HellaSwag", "MMLU", "TruthfulQA", "Winogrande", "GSM8K"], set.MetricOrder.ToArray());
        Assert.Equal(0.5, set.Metrics["Winogrande"].Chance);
    }

    [Fact]
    public void Duplicates_by_precision_are_rejected_with_both_rows_named()
    {
        var ex = Assert.ThrowsAny<ObsValidationException>(() => Import(V1, V1First with { Duplicates = DuplicatePolicy.Error }));
        // Mistral's two identical rows are not a conflict; Qwen1.5's float16 row differs from its bfloat16 row in every benchmark.
        Assert.Equal(6, ex.Violations.Count);
        var arc = ex.Violations[0];
        Assert.Equal($"{V1}:7:4", arc.Field);
        Assert.Contains("Qwen/Qwen1.5-7B (revision 831096e3a59a0789a541415da25ef195ceb802fe, precision float16) at open-llm-leaderboard-v1.csv:7 gives ARC-C = 0.5427", arc.Description, StringComparison.Ordinal);
        Assert.Contains("precision bfloat16) at open-llm-leaderboard-v1.csv:6 gave 0.5418 (at open-llm-leaderboard-v1.csv:6:4)", arc.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DuplicatePolicy.First, 0.5418, 0.5451)]
    [InlineData(DuplicatePolicy.Last, 0.5427, 0.5398)]
    [InlineData(DuplicatePolicy.Best, 0.5418, 0.5451)] // the bfloat16 row's mean is higher (61.92 vs 61.84)
    public void A_duplicate_policy_picks_one_row(DuplicatePolicy policy, double arc, double gsm)
    {
        var qwen = Import(V1, V1First with { Duplicates = policy })[3];
        Assert.Equal(arc, qwen.Score("ARC-C"), 12);
        Assert.Equal(gsm, qwen.Score("GSM8K"), 12);
    }

    [Fact]
    public void Without_fullname_the_model_is_the_first_links_text()
    {
        var lines = Text(V1).Split('\n');
        var header = lines[0].Split(',');
        var stripped = string.Join('\n', lines.Select(l => l.Length == 0 ? l : l[..l.LastIndexOf(',')]));
        var set = ResultImporter.Import([new ImportSource("no-fullname.csv", stripped)], null, V1First);
        Assert.Equal("fullname", header[^1].Trim());
        Assert.Equal("meta-llama/Llama-2-7b-hf", set[0].Name);
    }

    [Fact]
    public void V2_needs_an_explicit_scale()
    {
        var ex = Assert.ThrowsAny<ObsValidationException>(() => Import(V2, new ImportOptions { Format = ResultFormat.OpenLlmLeaderboardV2 }));
        Assert.Equal("scale", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void V2_raw_columns_become_the_papers_leaderboard_metrics()
    {
        var set = Import(V2, new ImportOptions { Format = ResultFormat.OpenLlmLeaderboardV2, Scale = ScoreScale.Raw });
        Assert.Equal(4, set.Count);
        Assert.Equal(["leaderboard_ifeval", "leaderboard_bbh", "leaderboard_math_hard", "leaderboard_gpqa", "leaderboard_musr", "leaderboard_mmlu_pro"], set.MetricOrder.ToArray());
        Assert.Equal(0.3496, set[0].Score("leaderboard_bbh"));
        Assert.Equal(0.25, set.Metrics["leaderboard_gpqa"].Chance);
        Assert.Equal(["Llama-2", "Qwen2", "Gemma-2", "Yi-1.5"], set.Models.Select(m => m.Family));
        Assert.Equal(9.242, set[2].ParametersB);
    }

    [Fact]
    public void V2_normalised_columns_keep_the_leaderboards_names_and_range()
    {
        var set = Import(V2, new ImportOptions { Format = ResultFormat.OpenLlmLeaderboardV2, Scale = ScoreScale.Normalized });
        Assert.Equal(["IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO"], set.MetricOrder.ToArray());
        Assert.Equal(new MetricInfo("GPQA", 0, 100, 0), set.Metrics["GPQA"]);
        Assert.Equal(13.28, set[0].Score("BBH"), 10); // (0.3496 − 0.25)/0.75 · 100
    }

    [Fact]
    public void Json_records_read_like_the_csv()
    {
        var options = new ImportOptions { Format = ResultFormat.OpenLlmLeaderboardV2, Scale = ScoreScale.Raw };
        var csv = Import(V2, options);
        var json = Import(V2Json, options);
        Assert.Equal(csv.Models.Select(m => (m.Name, m.Family, m.ParametersB)), json.Models.Select(m => (m.Name, m.Family, m.ParametersB)));
        for (var i = 0; i < csv.Count; i++)
        {
            Assert.Equal(csv[i].Scores.OrderBy(kv => kv.Key), json[i].Scores.OrderBy(kv => kv.Key));
        }
    }

    [Fact]
    public void Bad_cells_are_named_by_line_and_column()
    {
        var ex = Assert.ThrowsAny<ObsValidationException>(() => Import(V2Bad, new ImportOptions { Format = ResultFormat.OpenLlmLeaderboardV2, Scale = ScoreScale.Raw }));
        Assert.Equal(2, ex.Violations.Count);
        Assert.Equal(new FieldViolation($"{V2Bad}:3:25", "n/a", "column 'GPQA Raw': not a finite number"), ex.Violations[0]);
        Assert.Equal(new FieldViolation($"{V2Bad}:4:21", "1.7", "column 'BBH Raw': outside [0, 1]"), ex.Violations[1]);
    }

    [Fact]
    public void Bad_json_records_are_named_by_line_and_column()
    {
        var text = Text(V2Json).Replace("\"GPQA Raw\": 0.302,", "\"GPQA Raw\": \"high\",", StringComparison.Ordinal);
        var ex = Assert.ThrowsAny<ObsValidationException>(() => ResultImporter.Import([new ImportSource("v2.json", text)], null,
            new ImportOptions { Format = ResultFormat.OpenLlmLeaderboardV2, Scale = ScoreScale.Raw }));
        var v = Assert.Single(ex.Violations);
        Assert.StartsWith("v2.json:3:", v.Field, StringComparison.Ordinal);
        var column = int.Parse(v.Field.Split(':')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("\"high\"", text.Split('\n')[2].Substring(column - 1, 6));
    }

    [Fact]
    public void A_file_without_the_benchmark_columns_lists_the_columns_it_has()
    {
        var ex = Assert.ThrowsAny<ObsValidationException>(() => Import(Tidy, new ImportOptions { Format = ResultFormat.OpenLlmLeaderboardV2, Scale = ScoreScale.Raw }));
        var v = Assert.Single(ex.Violations);
        Assert.Equal($"{Tidy}:1:1", v.Field);
        Assert.Contains("the file has 'model', 'benchmark', 'value', 'stderr'", v.Description, StringComparison.Ordinal);
    }
}
