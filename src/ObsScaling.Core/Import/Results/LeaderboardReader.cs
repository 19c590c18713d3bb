using System.Text.RegularExpressions;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Reads the Open LLM Leaderboard's <c>contents</c> exports (CSV or JSON records). v1 scores are percentages and
/// become fractions under the paper's benchmark names (ARC → ARC-C, …). v2 carries a raw (0–1) and a normalised
/// (0–100) column per benchmark; <see cref="ScoreScale"/> says which to take: raw ones get the paper's
/// <c>leaderboard_*</c> names and chance levels, normalised ones keep the leaderboard's names with range [0, 100].
/// </summary>
internal static partial class LeaderboardReader
{
    private static readonly (string Column, string Metric)[] V1 =
    [
        ("ARC", "ARC-C"), ("HellaSwag", "HellaSwag"), ("MMLU", "MMLU"), ("TruthfulQA", "TruthfulQA"), ("Winogrande", "Winogrande"), ("GSM8K", "GSM8K"),
    ];

    private static readonly (string Column, string Metric)[] V2 =
    [
        ("IFEval", "leaderboard_ifeval"), ("BBH", "leaderboard_bbh"), ("MATH Lvl 5", "leaderboard_math_hard"),
        ("GPQA", "leaderboard_gpqa"), ("MUSR", "leaderboard_musr"), ("MMLU-PRO", "leaderboard_mmlu_pro"),
    ];

    public static List<ResultRow> Read(ImportSource source, ResultFormat format, ScoreScale scale, List<MetricInfo> metrics, ImportProblems problems)
    {
        var table = Table.Read(source, problems);
        var columns = Benchmarks(format, scale);
        var present = columns.Where(c => table.Find(c.Column) is not null).Select(c => (Column: table.Find(c.Column)!, c.Metric, c.Info, c.Percent)).ToList();
        var nameColumn = table.Find("fullname", "Model", "model_name", "model");
        if (nameColumn is null || present.Count == 0)
        {
            var missing = nameColumn is null ? "a model column ('fullname' or 'Model')" : "any of the benchmark columns " + string.Join(", ", columns.Select(c => $"'{c.Column}'"));
            problems.Add(table.HeaderAt, "", $"not an Open LLM Leaderboard {(format == ResultFormat.OpenLlmLeaderboardV1 ? "v1" : "v2")} export: no {missing}; the file has {table.ColumnList()}");
            return [];
        }

        foreach (var c in present)
        {
            if (metrics.All(m => m.Name != c.Metric))
            {
                metrics.Add(c.Info);
            }
        }

        var revision = table.Find("Model sha", "Revision", "model_sha");
        var precision = table.Find("Precision");
        var parameters = table.Find("#Params (B)", "Params (B)");
        var rows = new List<ResultRow>();
        foreach (var r in table.Rows)
        {
            var name = CellValues.Text(r[nameColumn]) is { } raw ? StripHtml(raw) : null;
            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add(r[nameColumn]?.At ?? r.At, "", $"column '{nameColumn}': a model needs a name");
                continue;
            }

            var row = new ResultRow(name, r.At)
            {
                Revision = revision is null ? null : CellValues.Text(r[revision]),
                Precision = precision is null ? null : CellValues.Text(r[precision]),
            };
            if (parameters is not null && CellValues.Number(r[parameters], parameters, problems) is { } p)
            {
                // The leaderboard writes 0 for an unknown size.
                if (p < 0)
                {
                    problems.Add(r[parameters]!.At, r[parameters]!.Text, $"column '{parameters}': a parameter count cannot be negative");
                }
                else if (p > 0)
                {
                    row.ParametersB = p;
                }
            }

            foreach (var c in present)
            {
                var cell = r[c.Column];
                if (CellValues.Number(cell, c.Column, problems) is not { } v)
                {
                    continue;
                }

                var (lo, hi) = c.Percent ? (0.0, 100.0) : (c.Info.Min, c.Info.Max);
                if (v < lo || v > hi)
                {
                    problems.Add(cell!.At, cell.Text, $"column '{c.Column}': outside [{CellValues.Format(lo)}, {CellValues.Format(hi)}]");
                    continue;
                }

                row.Scores[c.Metric] = (c.Percent ? Fraction(cell!.Text, v) : v, cell!.At);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static List<(string Column, string Metric, MetricInfo Info, bool Percent)> Benchmarks(ResultFormat format, ScoreScale scale)
    {
        if (format == ResultFormat.OpenLlmLeaderboardV1)
        {
            return V1.Select(c => (c.Column, c.Metric, PaperMetrics.Describe(c.Metric), true)).ToList();
        }

        return scale == ScoreScale.Raw
            ? V2.Select(c => (c.Column + " Raw", c.Metric, PaperMetrics.Describe(c.Metric), false)).ToList()
            : V2.Select(c => (c.Column, c.Column, new MetricInfo(c.Column, 0, 100, 0), false)).ToList();
    }

    /// <summary>
    /// Percent to fraction in decimal, so that "54.27" becomes the double nearest 0.5427 (54.27 / 100 in binary
    /// floating point is 0.5427000000000001).
    /// </summary>
    private static double Fraction(string text, double percent) =>
        decimal.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? (double)(d / 100m)
            : percent / 100;

    /// <summary>Some exports write the model as Hugging Face links (model, then details): keep the first link's text.</summary>
    private static string StripHtml(string text)
    {
        var anchor = FirstAnchor().Match(text);
        return (anchor.Success ? anchor.Groups[1].Value : Tags().Replace(text, "")).Trim();
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex("<a\\b[^>]*>(.*?)</a>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex FirstAnchor();
}
