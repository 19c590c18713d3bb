using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Reads a long CSV, one score per row: <c>model, benchmark, value</c>, optionally <c>stderr</c> (kept as the
/// score's standard error), <c>revision</c>, <c>precision</c> and <c>family</c>. Metrics are described like the paper's columns
/// (<see cref="PaperMetrics.Describe"/>): [0, 1] unless known otherwise.
/// </summary>
internal static class TidyCsvReader
{
    public static List<ResultRow> Read(ImportSource source, Func<string, MetricInfo> describe, List<MetricInfo> metrics, ImportProblems problems)
    {
        var table = Table.ReadCsv(source, problems);
        var model = table.Find("model", "model_name", "name");
        var benchmark = table.Find("benchmark", "metric", "task");
        var value = table.Find("value", "score");
        if (model is null || benchmark is null || value is null)
        {
            var missing = new[] { ("model", model), ("benchmark", benchmark), ("value", value) }.Where(x => x.Item2 is null).Select(x => $"'{x.Item1}'");
            problems.Add(table.HeaderAt, "", $"a tidy CSV needs the columns model, benchmark, value[, stderr]; missing {string.Join(", ", missing)}; the file has {table.ColumnList()}");
            return [];
        }

        var stderr = table.Find("stderr", "std_err", "se");
        var revision = table.Find("revision");
        var precision = table.Find("precision");
        var family = table.Find("family", ModelColumns.Family);
        var rows = new List<ResultRow>();
        foreach (var r in table.Rows)
        {
            var name = CellValues.Text(r[model]);
            var bench = CellValues.Text(r[benchmark]);
            if (name is null || bench is null)
            {
                var which = name is null ? model : benchmark;
                problems.Add(r[which]!.At, "", $"column '{which}': must not be empty");
                continue;
            }

            var se = stderr is null ? null : CellValues.Number(r[stderr], stderr, problems);
            if (se is < 0)
            {
                problems.Add(r[stderr!]!.At, r[stderr!]!.Text, $"column '{stderr}': a standard error cannot be negative");
                se = null;
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

            var info = metrics.FirstOrDefault(m => m.Name == bench);
            if (info is null)
            {
                info = describe(bench);
                metrics.Add(info);
            }

            if (!info.Contains(v))
            {
                problems.Add(cell.At, cell.Text, $"column '{value}': outside {bench}'s range [{CellValues.Format(info.Min)}, {CellValues.Format(info.Max)}]");
                continue;
            }

            var row = new ResultRow(name, r.At)
            {
                Revision = revision is null ? null : CellValues.Text(r[revision]),
                Precision = precision is null ? null : CellValues.Text(r[precision]),
                Family = family is null ? null : CellValues.Text(r[family]),
            };
            row.Scores[bench] = (v, cell.At);
            if (se is { } e)
            {
                row.StandardErrors[bench] = e;
            }

            rows.Add(row);
        }

        return rows;
    }
}
