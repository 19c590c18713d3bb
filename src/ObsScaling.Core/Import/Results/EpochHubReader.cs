using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Reads one CSV of Epoch AI's Benchmarking Hub (<c>benchmark_data.zip</c> holds one per benchmark): the benchmark
/// is the file's stem, each row a model as its <c>Model version</c> (reasoning-setting suffixes such as <c>_high</c>
/// keep rows apart), the score <c>Best score (across scorers)</c> or else <c>mean_score</c>, its <c>stderr</c>,
/// <c>Training compute (FLOP)</c> as FLOPs / 1e21, <c>Release date</c> and <c>Organization</c>. The other columns
/// are metadata nobody needs for a fit and are not read.
/// </summary>
internal static class EpochHubReader
{
    public const string ModelColumn = "Model version";
    public const string BestScoreColumn = "Best score (across scorers)";
    public const string MeanScoreColumn = "mean_score";

    public static List<ResultRow> Read(ImportSource source, Func<string, MetricInfo> describe, List<MetricInfo> metrics, ImportProblems problems)
    {
        var table = Table.ReadCsv(source, problems);
        var benchmark = Stem(source.Name);
        var model = table.Find(ModelColumn);
        var value = table.Find(BestScoreColumn, MeanScoreColumn);
        if (model is null || value is null)
        {
            var missing = model is null ? $"'{ModelColumn}'" : $"'{BestScoreColumn}' or '{MeanScoreColumn}'";
            problems.Add(table.HeaderAt, "", $"an Epoch Benchmarking Hub CSV needs the columns '{ModelColumn}' and '{BestScoreColumn}' (or '{MeanScoreColumn}'); missing {missing}; the file has {table.ColumnList()}");
            return [];
        }

        var stderr = table.Find("stderr");
        var flops = table.Find("Training compute (FLOP)");
        var released = table.Find("Release date");
        var organization = table.Find("Organization");
        var info = metrics.FirstOrDefault(m => m.Name == benchmark);
        if (info is null)
        {
            info = describe(benchmark);
            metrics.Add(info);
        }

        var rows = new List<ResultRow>();
        foreach (var r in table.Rows)
        {
            if (CellValues.Text(r[model]) is not { } name)
            {
                problems.Add(r[model]!.At, "", $"column '{model}': must not be empty");
                continue;
            }

            var cell = r[value]!;
            if (CellValues.Number(cell, value, problems) is not { } v)
            {
                if (cell.IsEmpty)
                {
                    problems.Add(cell.At, "", $"column '{value}': empty (leave the row out when the model was not evaluated)");
                }

                continue;
            }

            if (!info.Contains(v))
            {
                problems.Add(cell.At, cell.Text, $"column '{value}': outside {benchmark}'s range [{CellValues.Format(info.Min)}, {CellValues.Format(info.Max)}]");
                continue;
            }

            var row = new ResultRow(name, r.At)
            {
                ReleaseDate = released is null ? null : CellValues.Date(r[released], released, problems),
                Organization = organization is null ? null : CellValues.Text(r[organization]),
            };
            if (flops is not null && CellValues.Number(r[flops], flops, problems) is { } f)
            {
                if (f > 0)
                {
                    row.FlopsE21 = f / 1e21;
                }
                else
                {
                    problems.Add(r[flops]!.At, r[flops]!.Text, $"column '{flops}': must be positive (leave the cell empty when unknown)");
                }
            }

            row.Scores[benchmark] = (v, cell.At);
            if (stderr is not null && CellValues.Number(r[stderr], stderr, problems) is { } se)
            {
                if (se >= 0)
                {
                    row.StandardErrors[benchmark] = se;
                }
                else
                {
                    problems.Add(r[stderr]!.At, r[stderr]!.Text, $"column '{stderr}': a standard error cannot be negative");
                }
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The benchmark a file is of: <c>gpqa_diamond.csv</c> → <c>gpqa_diamond</c> (also from a path inside the zip).</summary>
    public static string Stem(string fileName)
    {
        var name = fileName.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : name;
    }
}
