using System.Globalization;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Import.Results;

namespace ObsScaling.Core.Tests.Import;

/// <summary>
/// Every Eval Ever aggregate records written from the schema (<c>eval.schema.json</c>): the required envelope
/// (schema_version, evaluation_id, retrieved_timestamp, source_metadata, model_info, eval_library) around
/// evaluation_results whose metric_config declares the scale.
/// </summary>
public class EveryEvalEverImportTests
{
    private static readonly ImportOptions Eee = new() { Format = ResultFormat.EveryEvalEver };

    /// <summary>One record as a leaderboard scrape or a local run writes it; results are (name, score, se, min, max, lower).</summary>
    private static string Record(string version, string model, params (string Name, double Score, double? Se, string Min, string Max, bool Lower)[] results)
    {
        var items = results.Select(r => $$"""
                {
                  "evaluation_name": "{{r.Name}}",
                  "source_data": {"dataset_name": "{{r.Name}}", "source_type": "hf_dataset", "hf_repo": "org/{{r.Name}}"},
                  "metric_config": {
                    "evaluation_description": "accuracy, official split",
                    "lower_is_better": {{(r.Lower ? "true" : "false")}},
                    "score_type": "continuous",
                    "min_score": {{r.Min}},
                    "max_score": {{r.Max}}
                  },
                  "score_details": {
                    "score": {{F(r.Score)}}{{(r.Se is { } se ? $$""", "uncertainty": {"standard_error": {"value": {{F(se)}}, "method": "analytic"}, "num_samples": 1200}""" : "")}}
                  }
                }
            """);
        return $$"""
            {
              "schema_version": "{{version}}",
              "evaluation_id": "bench/{{model}}/1767225600",
              "retrieved_timestamp": "1767225600",
              "source_metadata": {"source_name": "A leaderboard", "source_type": "documentation", "source_organization_name": "Org", "evaluator_relationship": "third_party"},
              "model_info": {"name": "Display Name, not the key", "id": "{{model}}", "developer": "acme"},
              "eval_library": {"name": "lm_eval", "version": "0.4.9"},
              "evaluation_results": [
            {{string.Join(",\n", items)}}
              ]
            }
            """;
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public void Results_become_scores_under_their_evaluation_name_with_standard_errors_and_direction()
    {
        var a = Record("0.2.3", "acme/m-7b", ("MMLU-Pro", 0.46, 0.004, "0", "1", false), ("perplexity", 7.5, null, "0", "\"Infinity\"", true));
        var b = Record("0.3.0", "acme/m-1b", ("MMLU-Pro", 0.21, 0.005, "0.0", "1.0", false), ("perplexity", 12.0, 0.1, "0", "null", true));
        var set = ResultImporter.Import([new("a.json", a), new("b.json", b)], null, Eee);
        Assert.Equal(["acme/m-7b", "acme/m-1b"], set.Models.Select(m => m.Name));
        Assert.Equal(0.46, set[0].Score("MMLU-Pro"));
        Assert.Equal(0.004, set[0].StandardErrors["MMLU-Pro"]);
        Assert.Equal(1200, set[0].SampleCounts["MMLU-Pro"]);
        Assert.False(set[0].StandardErrors.ContainsKey("perplexity"));
        var ppl = set.Metrics["perplexity"];
        Assert.False(ppl.HigherIsBetter); // lower_is_better kept on the stored metric
        Assert.Equal((0.0, 12.0), (ppl.Min, ppl.Max)); // the unbounded top is the highest value seen
        Assert.True(set.Metrics["MMLU-Pro"].HigherIsBetter);
    }

    [Fact]
    public void Sources_on_different_scales_are_refused_unless_normalised_and_then_agree()
    {
        var page = Record("0.2.3", "acme/m-7b", ("MMLU-Pro", 52.08, 0.4, "0", "100", false));
        var run = Record("0.2.3", "acme/m-1b", ("MMLU-Pro", 0.46, 0.005, "0", "1", false));
        var ex = Assert.ThrowsAny<ObsValidationException>(() => ResultImporter.Import([new("page.json", page), new("run.json", run)], null, Eee));
        var v = Assert.Single(ex.Violations);
        Assert.StartsWith("run.json:", v.Field, StringComparison.Ordinal);
        Assert.Contains("declared on [0, 1] here but on [0, 100] at page.json:", v.Description, StringComparison.Ordinal);
        Assert.Contains("normalize_scores", v.Description, StringComparison.Ordinal);

        var set = ResultImporter.Import([new("page.json", page), new("run.json", run)], null, Eee with { NormalizeScores = true });
        Assert.Equal(0.5208, set[0].Score("MMLU-Pro"), 15);
        Assert.Equal(0.004, set[0].StandardErrors["MMLU-Pro"], 15);
        Assert.Equal(0.46, set[1].Score("MMLU-Pro"), 15);
        var metric = set.Metrics.Values.Single();
        Assert.Equal((0.0, 1.0), (metric.Min, metric.Max));
    }

    [Fact]
    public void Normalising_maps_a_shifted_scale_and_keeps_lower_is_better()
    {
        var text = Record("0.2.1", "m", ("error_rate", 30, 2, "20", "70", true));
        var set = ResultImporter.Import([new("e.json", text)], null, Eee with { NormalizeScores = true });
        Assert.Equal(0.2, set[0].Score("error_rate"), 15);
        Assert.Equal(0.04, set[0].StandardErrors["error_rate"], 15);
        Assert.False(set.Metrics.Values.Single().HigherIsBetter);
    }

    [Fact]
    public void The_same_scores_as_a_tidy_csv_import_to_the_same_models()
    {
        var a = Record("0.2.3", "acme/m-7b", ("MMLU", 0.61, 0.004, "0", "1", false), ("GSM8K", 0.42, 0.013, "0", "1", false));
        var b = Record("0.3.0", "acme/m-1b", ("MMLU", 0.33, 0.005, "0", "1", false));
        var eee = ResultImporter.Import([new("a.json", a), new("b.json", b)], null, Eee);
        const string tidy = "model,benchmark,value,stderr\nacme/m-7b,MMLU,0.61,0.004\nacme/m-7b,GSM8K,0.42,0.013\nacme/m-1b,MMLU,0.33,0.005\n";
        var viaTidy = ResultImporter.Import([new("t.csv", tidy)], null, new ImportOptions { Format = ResultFormat.TidyCsv });
        Assert.Equal(Describe(viaTidy), Describe(eee));
        Assert.Equal(viaTidy.Metrics.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => (m.Name, m.Min, m.Max, m.HigherIsBetter)),
            eee.Metrics.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => (m.Name, m.Min, m.Max, m.HigherIsBetter)));
    }

    [Fact]
    public void A_truncated_download_is_refused_naming_the_file_and_where()
    {
        var text = Record("0.2.3", "m", ("MMLU", 0.5, null, "0", "1", false));
        var cut = text[..(text.Length / 2)];
        var ex = Assert.ThrowsAny<ObsValidationException>(() => ResultImporter.Import([new("0b1c-uuid.json", cut)], null, Eee));
        var v = Assert.Single(ex.Violations);
        Assert.Matches(@"^0b1c-uuid\.json:\d+:\d+$", v.Field);
        Assert.StartsWith("not valid JSON", v.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"schema_version\": \"0.2.3\"", "\"schema_version\": \"1.0.0\"", "1.0.0", "0.2.x or 0.3.x")]
    [InlineData("\"id\": \"m\"", "\"id\": 7", "7", "model_info.id")]
    [InlineData("\"score\": 0.5", "\"score\": \"high\"", "high", "finite number")]
    [InlineData("\"score\": 0.5", "\"score\": 1.5", "1.5", "outside its declared scale [0, 1]")]
    [InlineData("\"max_score\": 1", "\"max_score\": \"lots\"", "lots", "\"Infinity\"")]
    [InlineData("\"lower_is_better\": false", "\"lower_is_better\": \"no\"", "no", "true or false")]
    public void A_bad_value_is_reported_at_its_line_and_column(string from, string to, string value, string description)
    {
        var text = Record("0.2.3", "m", ("MMLU", 0.5, null, "0", "1", false)).Replace(from, to, StringComparison.Ordinal);
        var at = text.IndexOf(to, StringComparison.Ordinal) + to.IndexOf(':', StringComparison.Ordinal) + 2;
        var line = text[..at].Count(c => c == '\n') + 1;
        var column = at - text.LastIndexOf('\n', at - 1);
        var ex = Assert.ThrowsAny<ObsValidationException>(() => ResultImporter.Import([new("r.json", text)], null, Eee));
        var v = Assert.Single(ex.Violations);
        Assert.Equal(($"r.json:{line}:{column}", value), (v.Field, v.Value));
        Assert.Contains(description, v.Description, StringComparison.Ordinal);
    }

    private static string Describe(ModelSet set) => string.Join("\n", set.Models.Select(m =>
        $"{m.Name}|{m.FlopsE21}|" +
        string.Join(";", m.Scores.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}")) + "|" +
        string.Join(";", m.StandardErrors.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"))));
}
