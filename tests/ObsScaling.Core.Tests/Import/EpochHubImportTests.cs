using ObsScaling.Core.Domain;
using ObsScaling.Core.Import.Results;

namespace ObsScaling.Core.Tests.Import;

/// <summary>
/// Epoch AI Benchmarking Hub CSVs, written as the hub writes them: a UTF-8 BOM, quoted cells holding commas and
/// line breaks, one file per benchmark.
/// </summary>
public class EpochHubImportTests
{
    private static readonly ImportOptions Epoch = new() { Format = ResultFormat.EpochBenchmarkingHub };

    // Column order and spellings of the hub's per-benchmark files; the notes cell spans two lines and has commas.
    private const string Gpqa =
        "\uFEFFModel version,Best score (across scorers),Release date,Organization,Country,Training compute (FLOP),Training compute notes,stderr,Log viewer,Logs,Started at,id\r\n" +
        "acme-large-2026-01-15_high,0.712,2026-01-15,Acme,United States of America,3.8e+25,\"Estimated from the reported cluster, hours and utilisation;\r\nsee the model card\",0.018,https://logs.example/1,https://logs.example/1.eval,2026-01-20T10:00:00Z,r1\r\n" +
        "acme-large-2026-01-15_low,0.655,2026-01-15,Acme,United States of America,3.8e+25,,0.019,,,2026-01-20T11:00:00Z,r2\r\n" +
        "\"Bolt 2, mini\",0.41,2025-06-30,\"Bolt Labs, Inc.\",France,,,0.021,,,2026-01-21T09:00:00Z,r3\r\n";

    private const string Math =
        "\uFEFFModel version,mean_score,Release date,Organization,Training compute (FLOP),stderr\n" +
        "acme-large-2026-01-15_high,0.88,2026-01-15,Acme,3.8e+25,0.01\n" +
        "\"Bolt 2, mini\",0.35,2025-06-30,\"Bolt Labs, Inc.\",,\n";

    [Fact]
    public void Rows_become_models_with_compute_release_dates_and_standard_errors()
    {
        var set = ResultImporter.Import([new("gpqa_diamond.csv", Gpqa), new("math_level_5.csv", Math)], null, Epoch);
        Assert.Equal(["acme-large-2026-01-15_high", "acme-large-2026-01-15_low", "Bolt 2, mini"], set.Models.Select(m => m.Name));
        Assert.Equal(["gpqa_diamond", "math_level_5"], set.MetricOrder.ToArray());
        var high = set[0];
        Assert.Equal(0.712, high.Score("gpqa_diamond"));
        Assert.Equal(0.88, high.Score("math_level_5"));
        Assert.Equal(0.018, high.StandardErrors["gpqa_diamond"]);
        Assert.Equal(0.01, high.StandardErrors["math_level_5"]);
        Assert.Equal(3.8e25 / 1e21, high.FlopsE21);
        Assert.Equal(new DateOnly(2026, 1, 15), high.ReleaseDate);
        Assert.Equal("Acme", high.Organization);
        var bolt = set[2];
        Assert.Null(bolt.FlopsE21); // an empty compute cell: no FLOPs, not zero
        Assert.Equal("Bolt Labs, Inc.", bolt.Organization);
        Assert.False(bolt.StandardErrors.ContainsKey("math_level_5"));
        Assert.Equal(0.35, bolt.Score("math_level_5"));
    }

    [Fact]
    public void The_same_data_as_a_tidy_csv_with_metadata_imports_to_the_same_models()
    {
        var epoch = ResultImporter.Import([new("gpqa_diamond.csv", Gpqa), new("math_level_5.csv", Math)], null, Epoch);
        const string tidy = "model,benchmark,value,stderr\n" +
            "acme-large-2026-01-15_high,gpqa_diamond,0.712,0.018\nacme-large-2026-01-15_low,gpqa_diamond,0.655,0.019\n\"Bolt 2, mini\",gpqa_diamond,0.41,0.021\n" +
            "acme-large-2026-01-15_high,math_level_5,0.88,0.01\n\"Bolt 2, mini\",math_level_5,0.35,\n";
        const string meta = "model,flops,release_date,organization\n" +
            "acme-large-2026-01-15_high,3.8e25,2026-01-15,Acme\nacme-large-2026-01-15_low,3.8e25,2026-01-15,Acme\n\"Bolt 2, mini\",,2025-06-30,\"Bolt Labs, Inc.\"\n";
        var viaTidy = ResultImporter.Import([new("t.csv", tidy)], new("meta.csv", meta), new ImportOptions { Format = ResultFormat.TidyCsv });
        Assert.Equal(Describe(viaTidy), Describe(epoch));
    }

    [Fact]
    public void A_file_with_neither_score_column_is_refused_naming_the_file()
    {
        var ex = Assert.ThrowsAny<ObsValidationException>(() =>
            ResultImporter.Import([new("swe_bench.csv", "\uFEFFModel version,Release date,stderr\nm,2026-01-01,0.1\n")], null, Epoch));
        var v = Assert.Single(ex.Violations);
        Assert.Equal("swe_bench.csv:1:1", v.Field);
        Assert.Contains("'Best score (across scorers)' or 'mean_score'", v.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_cells_are_reported_at_their_line_and_column()
    {
        // Line 2's quoted notes span two lines, so the next record starts on line 4.
        const string bad = "Model version,Best score (across scorers),Release date,Training compute (FLOP),Training compute notes,stderr\n" +
            "m1,0.5,2026-13-01,1e25,\"a,\nb\",0.01\n" +
            "m2,high,2026-01-01,1e25,,0.01\n" +
            "m3,0.5,2026-01-01,lots,,-0.2\n" +
            "m4,1.5,2026-01-01,,,\n";
        var ex = Assert.ThrowsAny<ObsValidationException>(() => ResultImporter.Import([new("aime.csv", bad)], null, Epoch));
        Assert.Equal(
            [("aime.csv:2:3", "2026-13-01"), ("aime.csv:4:2", "high"), ("aime.csv:5:4", "lots"), ("aime.csv:5:6", "-0.2"), ("aime.csv:6:2", "1.5")],
            ex.Violations.Select(v => (v.Field, v.Value)));
    }

    private static string Describe(ModelSet set) => string.Join("\n", set.Models.Select(m =>
        $"{m.Name}|{m.FlopsE21}|{m.ReleaseDate}|{m.Organization}|" +
        string.Join(";", m.Scores.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}")) + "|" +
        string.Join(";", m.StandardErrors.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"))));
}
