using System.ComponentModel;
using System.Globalization;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Model;

/// <summary>
/// One evaluated model: parameters in billions, tokens in trillions, training FLOPs in 1e21, scores by metric.
/// <see cref="Metrics"/> describes the score columns (carried along so that piped models can be uploaded).
/// PowerShell sees it flat (<see cref="ObsModelAdapter"/>: one property per metric, so Export-Csv writes one column
/// each) and converts flat rows back (<see cref="ObsModelConverter"/>: Import-Csv | Import-ObsModel).
/// </summary>
[TypeConverter(typeof(ObsModelConverter))]
public sealed class ObsModel
{
    public string Name { get; set; } = "";

    public string? Family { get; set; }

    public double? ParametersB { get; set; }

    public double? TokensT { get; set; }

    public double? FlopsE21 { get; set; }

    /// <summary>Public release date (written YYYY-MM-DD in files).</summary>
    public DateOnly? ReleaseDate { get; set; }

    /// <summary>Developer, e.g. "Meta".</summary>
    public string? Organization { get; set; }

    public IReadOnlyDictionary<string, double> Scores { get; set; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>The dataset the model was read from (empty for models read from files).</summary>
    public string? Dataset { get; set; }

    /// <summary>Descriptions of the score columns.</summary>
    public IReadOnlyList<ObsMetric> Metrics { get; set; } = [];

    public int ScoreCount => Scores.Count;

    /// <summary>The contract's (and the CSV files') date format.</summary>
    internal const string ReleaseDateFormat = "yyyy-MM-dd";

    public override string ToString() => Name;

    internal static ObsModel FromDomain(Core.Domain.ModelRecord m, IReadOnlyList<ObsMetric> metrics) => new()
    {
        Name = m.Name,
        Family = m.Family,
        ParametersB = m.ParametersB,
        TokensT = m.TokensT,
        FlopsE21 = m.FlopsE21,
        ReleaseDate = m.ReleaseDate,
        Organization = m.Organization,
        Scores = m.Scores,
        Metrics = metrics,
    };

    internal static ObsModel FromProto(V1.Model m, string dataset, IReadOnlyList<ObsMetric> metrics) => new()
    {
        Name = m.Name,
        Family = string.IsNullOrEmpty(m.Family) ? null : m.Family,
        ParametersB = m.HasParametersB ? m.ParametersB : null,
        TokensT = m.HasTokensT ? m.TokensT : null,
        FlopsE21 = m.HasFlopsE21 ? m.FlopsE21 : null,
        ReleaseDate = m.HasReleaseDate && DateOnly.TryParseExact(m.ReleaseDate, ReleaseDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null,
        Organization = m.HasOrganization && m.Organization.Length > 0 ? m.Organization : null,
        Scores = new Dictionary<string, double>(m.Scores, StringComparer.Ordinal),
        Dataset = dataset,
        Metrics = metrics,
    };

    internal V1.Model ToProto()
    {
        var p = new V1.Model { Name = Name, Family = Family ?? "" };
        if (ParametersB is { } n)
        {
            p.ParametersB = n;
        }

        if (TokensT is { } d)
        {
            p.TokensT = d;
        }

        if (FlopsE21 is { } c)
        {
            p.FlopsE21 = c;
        }

        if (ReleaseDate is { } date)
        {
            p.ReleaseDate = date.ToString(ReleaseDateFormat, CultureInfo.InvariantCulture);
        }

        if (Organization is { Length: > 0 } org)
        {
            p.Organization = org;
        }

        foreach (var (k, v) in Scores.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            p.Scores[k] = v;
        }

        return p;
    }
}
