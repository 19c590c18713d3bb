using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ObsScaling.Core.Domain;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Mapping;

/// <summary>Converts the contract's dataset messages to the engine's domain types and back.</summary>
internal static class DomainMapping
{
    public static MetricInfo ToDomain(this V1.Metric m)
    {
        var (min, max) = m.Min == 0 && m.Max == 0 ? (0.0, 1.0) : (m.Min, m.Max);
        return new MetricInfo(m.Name, min, max, m.HasChance ? m.Chance : null, !m.LowerIsBetter);
    }

    public static V1.Metric ToProto(this MetricInfo m)
    {
        var p = new V1.Metric { Name = m.Name, Min = m.Min, Max = m.Max, LowerIsBetter = !m.HigherIsBetter };
        if (m.Chance is { } c)
        {
            p.Chance = c;
        }

        return p;
    }

    public static ModelRecord ToDomain(this V1.Model m) => new(
        m.Name,
        m.Family,
        m.HasParametersB ? m.ParametersB : null,
        m.HasTokensT ? m.TokensT : null,
        m.HasFlopsE21 ? m.FlopsE21 : null,
        m.Scores)
    {
        StandardErrors = m.StandardErrors.ToImmutableDictionary(StringComparer.Ordinal),
        SampleCounts = m.SampleCounts.ToImmutableDictionary(StringComparer.Ordinal),
        ReleaseDate = m.HasReleaseDate && TryReleaseDate(m.ReleaseDate, out var d) ? d : null,
        Organization = m.HasOrganization && m.Organization.Length > 0 ? m.Organization : null,
    };

    /// <summary>The contract's release date: a calendar date written YYYY-MM-DD (the one form importers write too).</summary>
    public static bool TryReleaseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, ReleaseDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public const string ReleaseDateFormat = "yyyy-MM-dd";

    public static V1.Model ToProto(this ModelRecord m)
    {
        var p = new V1.Model { Name = m.Name, Family = m.Family ?? "" };
        if (m.ParametersB is { } n)
        {
            p.ParametersB = n;
        }

        if (m.TokensT is { } d)
        {
            p.TokensT = d;
        }

        if (m.FlopsE21 is { } c)
        {
            p.FlopsE21 = c;
        }

        foreach (var (k, v) in m.Scores.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            p.Scores[k] = v;
        }

        foreach (var (k, v) in m.StandardErrors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            p.StandardErrors[k] = v;
        }

        foreach (var (k, v) in m.SampleCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            p.SampleCounts[k] = v;
        }

        if (m.ReleaseDate is { } date)
        {
            p.ReleaseDate = date.ToString(ReleaseDateFormat, CultureInfo.InvariantCulture);
        }

        if (m.Organization is { } org)
        {
            p.Organization = org;
        }

        return p;
    }

    /// <summary>
    /// SHA-256 over a canonical text of the metrics and models (in order, scores sorted by metric):
    /// the identity of "the exact data a law was fitted on".
    /// </summary>
    public static string ContentHash(ModelSet set)
    {
        var sb = new StringBuilder();
        foreach (var m in set.OrderedMetrics())
        {
            sb.Append("metric\t").Append(m.Name).Append('\t').Append(R(m.Min)).Append('\t').Append(R(m.Max)).Append('\t')
              .Append(m.Chance is { } c ? R(c) : "-").Append('\t').Append(m.HigherIsBetter ? '+' : '-').Append('\n');
        }

        foreach (var m in set.Models)
        {
            sb.Append("model\t").Append(m.Name).Append('\t').Append(m.Family ?? "").Append('\t').Append(Opt(m.ParametersB)).Append('\t')
              .Append(Opt(m.TokensT)).Append('\t').Append(Opt(m.FlopsE21));
            foreach (var (k, v) in m.Scores.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                sb.Append('\t').Append(k).Append('=').Append(R(v));
            }

            sb.Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));

        static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        static string Opt(double? v) => v is { } x ? R(x) : "-";
    }
}
