using System.Text.RegularExpressions;
using ObsScaling.Core.Domain;

namespace ObsScaling.Server.Storage;

/// <summary>Parses and formats the API's resource names (datasets/{d}, datasets/{d}/fits/{f}, …/forecasts/{id}).</summary>
internal static partial class ResourceName
{
    public static string Dataset(string dataset) => $"datasets/{dataset}";

    public static string Fit(string dataset, string fit) => $"datasets/{dataset}/fits/{fit}";

    public static string Forecast(string dataset, string fit, string forecast) => $"datasets/{dataset}/fits/{fit}/forecasts/{forecast}";

    /// <summary>Validates an ID; throws a field violation naming <paramref name="field"/>.</summary>
    public static string RequireId(string field, string? id)
    {
        if (id is null || !IdPattern().IsMatch(id))
        {
            throw new ObsValidationException(field, id ?? "", "must match [a-z0-9][a-z0-9-]{0,62}");
        }

        return id;
    }

    /// <summary>Accepts "datasets/{d}" or a bare ID.</summary>
    public static string ParseDataset(string field, string? name)
    {
        var m = DatasetPattern().Match(name ?? "");
        if (m.Success)
        {
            return m.Groups[1].Value;
        }

        return RequireId(field, name);
    }

    public static (string Dataset, string Fit) ParseFit(string field, string? name)
    {
        var m = FitPattern().Match(name ?? "");
        if (!m.Success)
        {
            throw new ObsValidationException(field, name ?? "", "must be datasets/{dataset}/fits/{fit}");
        }

        return (m.Groups[1].Value, m.Groups[2].Value);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}\\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^datasets/([a-z0-9][a-z0-9-]{0,62})\\z")]
    private static partial Regex DatasetPattern();

    [GeneratedRegex("^datasets/([a-z0-9][a-z0-9-]{0,62})/fits/([a-z0-9][a-z0-9-]{0,62})\\z")]
    private static partial Regex FitPattern();
}
