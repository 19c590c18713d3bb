namespace ObsScaling.Core.Backtests;

/// <summary>How many held-out models fell inside their forecast interval at the nominal level.</summary>
public sealed record IntervalCoverage(int Inside, int Count, double Level)
{
    /// <summary>Inside / Count (NaN when nothing was forecast).</summary>
    public double Share => Count == 0 ? double.NaN : Inside / (double)Count;

    public static IntervalCoverage? Sum(IEnumerable<IntervalCoverage?> parts)
    {
        IntervalCoverage? total = null;
        foreach (var p in parts)
        {
            if (p is not null)
            {
                total = total is null ? p : new IntervalCoverage(total.Inside + p.Inside, total.Count + p.Count, p.Level);
            }
        }

        return total;
    }
}
