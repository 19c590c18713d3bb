using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;

namespace ObsScaling.PowerShell.Model;

/// <summary>
/// How PowerShell sees an <see cref="ObsModel"/>: the model fields, then one property per metric (null when the model
/// was not evaluated on it), so that Export-Csv, ConvertTo-Json and Select-Object get a flat row in the paper's
/// wide layout instead of a dictionary cell. Scores, Metrics and ScoreCount still resolve by name
/// (<c>$m.Scores['MMLU']</c>) but are not listed, so they never become columns. Registered by ObsScaling.psm1.
/// </summary>
public sealed class ObsModelAdapter : PSPropertyAdapter
{
    /// <summary>The listed fields, in column order; <see cref="ObsModelConverter"/> reads the same names back.</summary>
    internal static readonly string[] Fields = ["Name", "Family", "ParametersB", "TokensT", "FlopsE21", "ReleaseDate", "Organization", "Dataset"];

    /// <summary>Resolved by name only.</summary>
    internal static readonly string[] Hidden = ["Scores", "Metrics", "ScoreCount"];

    public override Collection<PSAdaptedProperty> GetProperties(object baseObject)
    {
        var model = (ObsModel)baseObject;
        var properties = new Collection<PSAdaptedProperty>();
        foreach (var f in Fields)
        {
            properties.Add(new PSAdaptedProperty(f, new Field(f)));
        }

        foreach (var metric in MetricNames(model))
        {
            properties.Add(new PSAdaptedProperty(metric, new Score(metric)));
        }

        return properties;
    }

    public override PSAdaptedProperty? GetProperty(object baseObject, string propertyName)
    {
        var model = (ObsModel)baseObject;
        var field = Fields.Concat(Hidden).FirstOrDefault(f => string.Equals(f, propertyName, StringComparison.OrdinalIgnoreCase));
        if (field is not null)
        {
            return new PSAdaptedProperty(field, new Field(field));
        }

        var metric = MetricNames(model).FirstOrDefault(m => m == propertyName)
            ?? MetricNames(model).FirstOrDefault(m => string.Equals(m, propertyName, StringComparison.OrdinalIgnoreCase));
        return metric is null ? null : new PSAdaptedProperty(metric, new Score(metric));
    }

    public override bool IsGettable(PSAdaptedProperty adaptedProperty) => true;

    public override bool IsSettable(PSAdaptedProperty adaptedProperty) => adaptedProperty.Tag is Field { Name: not "ScoreCount" };

    public override object? GetPropertyValue(PSAdaptedProperty adaptedProperty)
    {
        var model = (ObsModel)adaptedProperty.BaseObject;
        return adaptedProperty.Tag switch
        {
            Score s => model.Scores.TryGetValue(s.Metric, out var v) ? v : null,
            Field { Name: "Name" } => model.Name,
            Field { Name: "Family" } => model.Family,
            Field { Name: "ParametersB" } => model.ParametersB,
            Field { Name: "TokensT" } => model.TokensT,
            Field { Name: "FlopsE21" } => model.FlopsE21,
            // The contract's text form, so that a CSV or JSON written from here reads the same in every culture.
            Field { Name: "ReleaseDate" } => model.ReleaseDate?.ToString(ObsModel.ReleaseDateFormat, CultureInfo.InvariantCulture),
            Field { Name: "Organization" } => model.Organization,
            Field { Name: "Dataset" } => model.Dataset,
            Field { Name: "Scores" } => model.Scores,
            Field { Name: "Metrics" } => model.Metrics,
            Field { Name: "ScoreCount" } => model.ScoreCount,
            _ => null,
        };
    }

    public override void SetPropertyValue(PSAdaptedProperty adaptedProperty, object? value)
    {
        var model = (ObsModel)adaptedProperty.BaseObject;
        var name = adaptedProperty.Tag is Score s ? s.Metric : ((Field)adaptedProperty.Tag).Name;
        ObsModelConverter.Assign(model, name, value, adaptedProperty.Tag is Score);
    }

    public override string GetPropertyTypeName(PSAdaptedProperty adaptedProperty) => adaptedProperty.Tag switch
    {
        Score => typeof(double?).FullName!,
        Field { Name: "ParametersB" or "TokensT" or "FlopsE21" } => typeof(double?).FullName!,
        Field { Name: "Scores" } => typeof(IReadOnlyDictionary<string, double>).FullName!,
        Field { Name: "Metrics" } => typeof(IReadOnlyList<ObsMetric>).FullName!,
        Field { Name: "ScoreCount" } => typeof(int).FullName!,
        _ => typeof(string).FullName!,
    };

    /// <summary>The described metrics in their order, then scores of undescribed ones; a metric named like a field is reached through Scores only.</summary>
    private static IEnumerable<string> MetricNames(ObsModel model) =>
        model.Metrics.Select(m => m.Name)
            .Concat(model.Scores.Keys.OrderBy(k => k, StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Where(m => !Fields.Concat(Hidden).Contains(m, StringComparer.OrdinalIgnoreCase));

    private sealed record Field(string Name);

    private sealed record Score(string Metric);
}
