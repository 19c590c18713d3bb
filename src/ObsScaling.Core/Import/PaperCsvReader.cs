using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import;

/// <summary>
/// Reads the paper's wide CSV layout: a <c>Model</c> column, optional metadata columns
/// (<c>Model Family</c>, <c>Model Size (B)</c>, <c>Pretraining Data Size (T)</c>, <c>FLOPs (1E21)</c>)
/// and one numeric column per metric; an empty cell means "not evaluated".
/// The caller opens the stream: Core does no file I/O.
/// </summary>
public static class PaperCsvReader
{
    private static readonly string[] MetadataColumns = [ModelColumns.Model, ModelColumns.Family, ModelColumns.ParametersB, ModelColumns.TokensT, ModelColumns.FlopsE21];

    public static ModelSet Read(TextReader reader, string sourceName, Func<string, MetricInfo>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        describe ??= PaperMetrics.Describe;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectColumnCountChanges = true,
            TrimOptions = TrimOptions.Trim,
            BadDataFound = null,
        };
        using var csv = new CsvReader(reader, config, leaveOpen: true);
        try
        {
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
            {
                throw new CsvImportException(sourceName, 1, "", "", "the file is empty: expected a header row");
            }

            var modelCol = Array.IndexOf(header, ModelColumns.Model);
            if (modelCol < 0)
            {
                throw new CsvImportException(sourceName, 1, ModelColumns.Model, string.Join(",", header.Take(5)), "the header has no 'Model' column");
            }

            var familyCol = Array.IndexOf(header, ModelColumns.Family);
            var paramsCol = Array.IndexOf(header, ModelColumns.ParametersB);
            var tokensCol = Array.IndexOf(header, ModelColumns.TokensT);
            var flopsCol = Array.IndexOf(header, ModelColumns.FlopsE21);
            var metaCols = new HashSet<int> { modelCol, familyCol, paramsCol, tokensCol, flopsCol };
            var metricCols = Enumerable.Range(0, header.Length).Where(i => !metaCols.Contains(i)).ToArray();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var i in metricCols)
            {
                if (string.IsNullOrWhiteSpace(header[i]) || !seen.Add(header[i]))
                {
                    throw new CsvImportException(sourceName, 1, header[i], header[i], "empty or duplicate column name");
                }
            }

            var metrics = metricCols.Select(i => describe(header[i])).ToArray();
            var models = new List<ModelRecord>();
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            while (csv.Read())
            {
                var line = csv.Parser.Row;
                if (csv.Parser.Count != header.Length)
                {
                    throw new CsvImportException(sourceName, line, "", csv.Parser.RawRecord.Trim(), $"expected {header.Length} fields, found {csv.Parser.Count}");
                }

                var name = csv.GetField(modelCol) ?? "";
                if (name.Length == 0)
                {
                    throw new CsvImportException(sourceName, line, ModelColumns.Model, "", "a model needs a name");
                }

                if (!names.TryAdd(name, line))
                {
                    throw new CsvImportException(sourceName, line, ModelColumns.Model, name, $"duplicate model (first on line {names[name]})");
                }

                var scores = new Dictionary<string, double>(StringComparer.Ordinal);
                for (var k = 0; k < metricCols.Length; k++)
                {
                    var v = ParseOptional(csv, sourceName, line, header, metricCols[k], metric: true);
                    if (v is { } x)
                    {
                        if (!metrics[k].Contains(x))
                        {
                            throw new CsvImportException(sourceName, line, header[metricCols[k]], csv.GetField(metricCols[k]) ?? "",
                                $"outside the metric's range [{metrics[k].Min}, {metrics[k].Max}]");
                        }

                        scores[header[metricCols[k]]] = x;
                    }
                }

                models.Add(new ModelRecord(
                    name,
                    familyCol >= 0 ? csv.GetField(familyCol) : null,
                    ParsePositive(csv, sourceName, line, header, paramsCol),
                    ParsePositive(csv, sourceName, line, header, tokensCol),
                    ParsePositive(csv, sourceName, line, header, flopsCol),
                    scores));
            }

            return new ModelSet(models, metrics);
        }
        catch (CsvHelperException ex)
        {
            var ctx = ex.Context?.Parser;
            throw new CsvImportException(sourceName, ctx?.Row ?? 0, "", ctx?.RawRecord?.Trim() ?? "", "malformed CSV: " + ex.GetType().Name);
        }
    }

    private static double? ParsePositive(CsvReader csv, string source, int line, string[] header, int col)
    {
        if (col < 0)
        {
            return null;
        }

        var v = ParseOptional(csv, source, line, header, col);
        if (v is { } x && x <= 0)
        {
            throw new CsvImportException(source, line, header[col], csv.GetField(col) ?? "", "must be positive (leave the cell empty when unknown)");
        }

        return v;
    }

    private static double? ParseOptional(CsvReader csv, string source, int line, string[] header, int col, bool metric = false)
    {
        var text = csv.GetField(col);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            // Every column but the five metadata ones is read as a metric; one holding text is most likely a column the format does not have.
            var reason = metric && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? $"unknown column '{header[col]}': not one of the metadata columns ({string.Join(", ", MetadataColumns)}), and a metric column holds numbers"
                : "not a finite number";
            throw new CsvImportException(source, line, header[col], text, reason);
        }

        return v;
    }
}
