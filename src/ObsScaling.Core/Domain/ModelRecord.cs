using System.Collections.Immutable;

namespace ObsScaling.Core.Domain;

/// <summary>
/// One evaluated model. Units follow the paper: parameters in billions, tokens in trillions,
/// training FLOPs in units of 1e21. Scores are keyed by metric name; a missing key means
/// "not evaluated".
/// </summary>
public sealed record ModelRecord
{
    public ModelRecord(string name, string? family, double? parametersB, double? tokensT, double? flopsE21, IReadOnlyDictionary<string, double>? scores = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Family = string.IsNullOrWhiteSpace(family) ? null : family;
        ParametersB = parametersB;
        TokensT = tokensT;
        // C ≈ 6·N·D: 6 · (N_B·1e9) · (D_T·1e12) / 1e21 = 6·N_B·D_T.
        FlopsE21 = flopsE21 ?? (parametersB is { } n && tokensT is { } d ? 6.0 * n * d : null);
        Scores = scores is null ? ImmutableDictionary<string, double>.Empty : scores.ToImmutableDictionary(StringComparer.Ordinal);
    }

    public string Name { get; init; }

    public string? Family { get; init; }

    public double? ParametersB { get; init; }

    public double? TokensT { get; init; }

    public double? FlopsE21 { get; init; }

    public ImmutableDictionary<string, double> Scores { get; init; }

    /// <summary>Standard errors of scores, keyed like <see cref="Scores"/>; a missing key means "not known".</summary>
    public ImmutableDictionary<string, double> StandardErrors { get; init; } = ImmutableDictionary<string, double>.Empty;

    /// <summary>Samples a score was computed from, keyed like <see cref="Scores"/>.</summary>
    public ImmutableDictionary<string, long> SampleCounts { get; init; } = ImmutableDictionary<string, long>.Empty;

    public DateOnly? ReleaseDate { get; init; }

    public string? Organization { get; init; }

    /// <summary>The score, or NaN when the model was not evaluated on that metric.</summary>
    public double Score(string metric) => Scores.TryGetValue(metric, out var v) ? v : double.NaN;

    /// <summary>A metadata column (by canonical name or alias) or a score; NaN when missing.</summary>
    public double Value(string column)
    {
        return ModelColumns.Canonical(column) switch
        {
            ModelColumns.FlopsE21 => FlopsE21 ?? double.NaN,
            ModelColumns.ParametersB => ParametersB ?? double.NaN,
            ModelColumns.TokensT => TokensT ?? double.NaN,
            _ => Score(column),
        };
    }

    public ModelRecord WithScores(IReadOnlyDictionary<string, double> extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        var b = Scores.ToBuilder();
        foreach (var (k, v) in extra)
        {
            b[k] = v;
        }

        return this with { Scores = b.ToImmutable() };
    }
}
