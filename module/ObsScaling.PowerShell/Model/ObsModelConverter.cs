using System.Collections;
using System.Globalization;
using System.Management.Automation;
using ObsScaling.Core.Domain;

namespace ObsScaling.PowerShell.Model;

/// <summary>
/// Turns a flat row — Import-Csv's objects, ConvertFrom-Json's, a hashtable — back into an <see cref="ObsModel"/>:
/// the columns <see cref="ObsModelAdapter"/> writes (or the paper's headers, e.g. "Model", "Model Size (B)") become
/// the fields, every other column a score, an empty cell a missing one. So Import-Csv | Import-ObsModel binds.
/// </summary>
public sealed class ObsModelConverter : PSTypeConverter
{
    public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
        destinationType == typeof(ObsModel) && sourceValue is IDictionary or PSObject;

    public override bool CanConvertFrom(PSObject sourceValue, Type destinationType) =>
        destinationType == typeof(ObsModel) && sourceValue is not null && sourceValue.BaseObject is not ObsModel
        && (sourceValue.BaseObject is PSCustomObject or IDictionary);

    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) => sourceValue switch
    {
        IDictionary d => FromColumns(d.Keys.Cast<object>().Select(k => (k.ToString() ?? "", d[k]))),
        PSObject p => ConvertFrom(p, destinationType, formatProvider, ignoreCase),
        _ => throw new PSInvalidCastException($"Cannot convert {sourceValue?.GetType().FullName} to an ObsModel."),
    };

    public override object ConvertFrom(PSObject sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        sourceValue.BaseObject is IDictionary d
            ? ConvertFrom(d, destinationType, formatProvider, ignoreCase)
            : FromColumns(sourceValue.Properties.Select(p => (p.Name, (object?)p.Value)));

    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new PSInvalidCastException($"An ObsModel does not convert to {destinationType}.");

    /// <summary>Sets one column of <paramref name="model"/>; <paramref name="score"/> forces it to be read as a score.</summary>
    internal static void Assign(ObsModel model, string column, object? value, bool score = false)
    {
        var text = Text(value);
        switch (score ? null : FieldOf(column))
        {
            case "Name":
                model.Name = text ?? "";
                break;
            case "Family":
                model.Family = text;
                break;
            case "ParametersB":
                model.ParametersB = Number(column, value);
                break;
            case "TokensT":
                model.TokensT = Number(column, value);
                break;
            case "FlopsE21":
                model.FlopsE21 = Number(column, value);
                break;
            case "ReleaseDate":
                model.ReleaseDate = Date(column, value);
                break;
            case "Organization":
                model.Organization = text;
                break;
            case "Dataset":
                model.Dataset = text;
                break;
            case "Ignored":
                break;
            default:
                var scores = new Dictionary<string, double>(model.Scores, StringComparer.Ordinal);
                if (Number(column, value) is { } v)
                {
                    scores[column] = v;
                }
                else
                {
                    scores.Remove(column);
                }

                model.Scores = scores;
                if (!model.Metrics.Any(m => m.Name == column))
                {
                    model.Metrics = [.. model.Metrics, new ObsMetric { Name = column }];
                }

                break;
        }
    }

    private static ObsModel FromColumns(IEnumerable<(string Name, object? Value)> columns)
    {
        var model = new ObsModel();
        foreach (var (name, value) in columns)
        {
            Assign(model, name, value);
        }

        if (model.Name.Length == 0)
        {
            throw new PSInvalidCastException("A model row needs a Name (or Model) column with a value.");
        }

        return model;
    }

    /// <summary>The model field a column names (the flat view's names or the paper's headers), "Ignored" for views of the scores, null for a score.</summary>
    private static string? FieldOf(string column)
    {
        var field = ObsModelAdapter.Fields.FirstOrDefault(f => string.Equals(f, column, StringComparison.OrdinalIgnoreCase));
        if (field is not null)
        {
            return field;
        }

        if (ObsModelAdapter.Hidden.Contains(column, StringComparer.OrdinalIgnoreCase))
        {
            return "Ignored";
        }

        if (string.Equals(column, ModelColumns.Model, StringComparison.OrdinalIgnoreCase))
        {
            return "Name";
        }

        if (string.Equals(column, ModelColumns.Family, StringComparison.OrdinalIgnoreCase))
        {
            return "Family";
        }

        return ModelColumns.Canonical(column) switch
        {
            ModelColumns.ParametersB => "ParametersB",
            ModelColumns.TokensT => "TokensT",
            ModelColumns.FlopsE21 => "FlopsE21",
            _ => null,
        };
    }

    private static string? Text(object? value)
    {
        var s = value is PSObject p ? p.BaseObject?.ToString() : value?.ToString();
        return string.IsNullOrWhiteSpace(s) ? null : s.Trim();
    }

    private static double? Number(string column, object? value)
    {
        var raw = value is PSObject p ? p.BaseObject : value;
        switch (raw)
        {
            case null:
                return null;
            case double d:
                return Finite(column, d);
            case IConvertible c when raw is not string:
                return Finite(column, c.ToDouble(CultureInfo.InvariantCulture));
        }

        var text = Text(raw);
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            ? Finite(column, parsed)
            : throw new PSInvalidCastException($"Column '{column}' has '{text}', which is not a number.");
    }

    private static double Finite(string column, double value) =>
        double.IsFinite(value) ? value : throw new PSInvalidCastException($"Column '{column}' has {value}, which is not a finite number.");

    private static DateOnly? Date(string column, object? value)
    {
        var raw = value is PSObject p ? p.BaseObject : value;
        switch (raw)
        {
            case DateOnly d:
                return d;
            case DateTime t:
                return DateOnly.FromDateTime(t);
        }

        var text = Text(raw);
        if (text is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(text, ObsModel.ReleaseDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            || DateOnly.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
            ? date
            : throw new PSInvalidCastException($"Column 'ReleaseDate' has '{text}', which is not a date written YYYY-MM-DD (column {column}).");
    }
}
