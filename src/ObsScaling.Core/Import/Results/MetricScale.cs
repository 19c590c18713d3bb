using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// A metric's scale as the first file to report it declared it (bounds after normalisation; null = unbounded),
/// and the extremes of the values seen, which stand in for an unbounded side (the engine needs a finite range).
/// </summary>
internal sealed class MetricScale(string name, double? min, double? max, bool lowerIsBetter, SourceLocation declaredAt)
{
    public string Name { get; } = name;

    public double? Min { get; } = min;

    public double? Max { get; } = max;

    public bool LowerIsBetter { get; } = lowerIsBetter;

    public SourceLocation DeclaredAt { get; } = declaredAt;

    public double Lowest { get; private set; } = double.PositiveInfinity;

    public double Highest { get; private set; } = double.NegativeInfinity;

    public void Saw(double value)
    {
        Lowest = Math.Min(Lowest, value);
        Highest = Math.Max(Highest, value);
    }

    public string Describe() => $"[{Bound(Min, "-Infinity")}, {Bound(Max, "Infinity")}]{(LowerIsBetter ? ", lower is better" : "")}";

    public MetricInfo ToMetric()
    {
        var lo = Min ?? Lowest;
        var hi = Max ?? Highest;
        if (!(lo < hi))
        {
            // One value on an unbounded scale: widen the open side by one unit so the range is not empty.
            (lo, hi) = Min is null ? (hi - 1, hi) : (lo, lo + 1);
        }

        return new MetricInfo(Name, lo, hi, null, !LowerIsBetter);
    }

    private static string Bound(double? b, string open) => b is { } v ? CellValues.Format(v) : open;
}
