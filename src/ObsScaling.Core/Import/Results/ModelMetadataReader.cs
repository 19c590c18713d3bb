using System.Text.RegularExpressions;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Reads a metadata CSV: <c>model</c>, optionally <c>family</c>, and sizes with units — parameters, training
/// tokens and training FLOPs — each given as a header with a unit (<c>params_b</c>, <c>tokens (T)</c>,
/// <c>flops_e21</c>), a value plus a unit column (<c>params</c> + <c>params_unit</c>), or numbers with suffixes
/// (<c>7B</c>, <c>2T</c>). FLOPs left out are 6·N·D when parameters and tokens are known.
/// </summary>
internal static partial class ModelMetadataReader
{
    private enum Kind
    {
        Parameters,
        Tokens,
        Flops,
    }

    private static readonly Dictionary<string, Kind> Bases = new(StringComparer.Ordinal)
    {
        ["params"] = Kind.Parameters,
        ["parameters"] = Kind.Parameters,
        ["n params"] = Kind.Parameters,
        ["num params"] = Kind.Parameters,
        ["model size"] = Kind.Parameters,
        ["size"] = Kind.Parameters,
        ["tokens"] = Kind.Tokens,
        ["training tokens"] = Kind.Tokens,
        ["n tokens"] = Kind.Tokens,
        ["data"] = Kind.Tokens,
        ["pretraining data size"] = Kind.Tokens,
        ["data size"] = Kind.Tokens,
        ["flops"] = Kind.Flops,
        ["training flops"] = Kind.Flops,
        ["compute"] = Kind.Flops,
    };

    // The paper's units: parameters in billions, tokens in trillions, FLOPs in 1e21.
    private static readonly Dictionary<Kind, double> Target = new() { [Kind.Parameters] = 1e9, [Kind.Tokens] = 1e12, [Kind.Flops] = 1e21 };

    // A plain count below these is almost surely a number written without its unit (7 meaning 7B).
    private static readonly Dictionary<Kind, double> SmallestCount = new() { [Kind.Parameters] = 1e5, [Kind.Tokens] = 1e6, [Kind.Flops] = 1e12 };

    public static Dictionary<string, ModelMetadata> Read(ImportSource source, ImportProblems problems)
    {
        var table = Table.ReadCsv(source, problems);
        var result = new Dictionary<string, ModelMetadata>(StringComparer.Ordinal);
        var model = table.Find("model", "model_name", "name", "fullname", ModelColumns.Model);
        if (model is null)
        {
            problems.Add(table.HeaderAt, "", $"a metadata CSV needs a 'model' column; the file has {table.ColumnList()}");
            return result;
        }

        var family = table.Find("family", ModelColumns.Family, "model_family");
        var released = table.Find("release_date", "release date", "released");
        var organization = table.Find("organization", "organisation", "org");
        var values = new Dictionary<Kind, (string Column, double? HeaderUnit)>();
        var units = new Dictionary<Kind, string>();
        foreach (var column in table.Columns)
        {
            var (kind, unit, isUnitColumn) = Classify(column);
            if (kind is not { } k)
            {
                continue;
            }

            if (isUnitColumn)
            {
                units.TryAdd(k, column);
            }
            else if (!values.TryAdd(k, (column, unit)))
            {
                problems.Add(table.HeaderAt, column, $"two columns give {k.ToString().ToLowerInvariant()}: '{values[k].Column}' and '{column}'");
            }
        }

        foreach (var r in table.Rows)
        {
            var name = CellValues.Text(r[model]);
            if (name is null)
            {
                problems.Add(r[model]!.At, "", $"column '{model}': a model needs a name");
                continue;
            }

            var sizes = new Dictionary<Kind, double?>();
            foreach (var (kind, (column, headerUnit)) in values)
            {
                sizes[kind] = Size(r, kind, column, headerUnit, units.GetValueOrDefault(kind), problems);
            }

            var meta = new ModelMetadata(name, family is null ? null : CellValues.Text(r[family]),
                sizes.GetValueOrDefault(Kind.Parameters), sizes.GetValueOrDefault(Kind.Tokens), sizes.GetValueOrDefault(Kind.Flops), r.At)
            {
                ReleaseDate = released is null ? null : CellValues.Date(r[released], released, problems),
                Organization = organization is null ? null : CellValues.Text(r[organization]),
            };
            if (!result.TryAdd(name, meta))
            {
                problems.Add(r.At, name, $"model listed twice in the metadata (first at {result[name].At})");
            }
        }

        return result;
    }

    private static double? Size(TableRow r, Kind kind, string column, double? headerUnit, string? unitColumn, ImportProblems problems)
    {
        var cell = r[column]!;
        if (cell.IsEmpty)
        {
            return null;
        }

        double value;
        string suffix;
        if (cell.Number is { } n)
        {
            (value, suffix) = (n, "");
        }
        else if (!Quantity.TryParse(cell.Text, out value, out suffix))
        {
            problems.Add(cell.At, cell.Text, $"column '{column}': not a number with an optional unit (e.g. 7, 7B, 350M, 1.4T)");
            return null;
        }

        double? multiplier = suffix.Length > 0 ? Quantity.Multiplier(suffix) : null;
        if (multiplier is null && unitColumn is not null && CellValues.Text(r[unitColumn]) is { } unitText)
        {
            multiplier = Quantity.Multiplier(unitText);
            if (multiplier is null)
            {
                problems.Add(r[unitColumn]!.At, unitText, $"column '{unitColumn}': unknown unit (use K, M, B, T, E21 or leave empty for a plain count)");
                return null;
            }
        }

        if (value <= 0)
        {
            problems.Add(cell.At, cell.Text, $"column '{column}': must be positive (leave the cell empty when unknown)");
            return null;
        }

        multiplier ??= headerUnit;
        if (multiplier is null && value < SmallestCount[kind])
        {
            problems.Add(cell.At, cell.Text, $"column '{column}': no unit, so this is a plain count, which is implausibly small; write e.g. {cell.Text}B, add a unit column, or name the column with its unit (params_b, tokens_t, flops_e21)");
            return null;
        }

        // Scale by the ratio of units, so that a value already in the target unit (params_b, flops_e21) stays exact.
        return value * ((multiplier ?? 1) / Target[kind]);
    }

    /// <summary>Which size a header gives and in what unit: "params_b", "Model Size (B)", "tokens", "params_unit".</summary>
    private static (Kind? Kind, double? Unit, bool IsUnitColumn) Classify(string header)
    {
        var h = header.Trim().ToLowerInvariant().Replace("#", "", StringComparison.Ordinal);
        var m = HeaderShape().Match(h);
        if (!m.Success)
        {
            return (null, null, false);
        }

        var name = m.Groups["base"].Value.Replace('_', ' ').Trim();
        var unit = m.Groups["unit"].Success ? m.Groups["unit"].Value : null;
        if (!Bases.TryGetValue(name, out var kind))
        {
            return (null, null, false);
        }

        if (unit is null)
        {
            return (kind, null, false);
        }

        if (unit == "unit" || unit == "units")
        {
            return (kind, null, true);
        }

        return Quantity.Multiplier(unit) is { } mult ? (kind, mult, false) : (null, null, false);
    }

    [GeneratedRegex(@"^(?<base>[a-z _]+?)(?:\s*[\(\[]\s*(?<unit>[a-z0-9]+)\s*[\)\]]|[ _](?<unit>b|m|k|t|g|e21|1e21|unit|units))?$")]
    private static partial Regex HeaderShape();
}
