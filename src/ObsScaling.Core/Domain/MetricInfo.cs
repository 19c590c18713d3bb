namespace ObsScaling.Core.Domain;

/// <summary>
/// What a score column means: its valid range, the random-guess level (used as the floor of a
/// min–max transform) and its direction.
/// </summary>
public sealed record MetricInfo(string Name, double Min = 0.0, double Max = 1.0, double? Chance = null, bool HigherIsBetter = true)
{
    public bool Contains(double value) => value >= Min && value <= Max;
}
