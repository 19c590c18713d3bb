namespace ObsScaling.Core.Ledger;

/// <summary>
/// How a recorded forecast fared against the value observed later, on the metric's own scale:
/// <see cref="Error"/> = predicted − observed (positive: the forecast was too high).
/// </summary>
public sealed record ForecastScore(double Observed, double Error, double AbsoluteError, bool? Inside)
{
    /// <summary>
    /// Scores a forecast. <paramref name="lower"/>/<paramref name="upper"/> are the interval (either order; a
    /// decreasing transform swaps them), or null when the forecast had none; <see cref="Inside"/> is then null.
    /// </summary>
    public static ForecastScore Of(double predicted, double? lower, double? upper, double observed)
    {
        if (!double.IsFinite(observed))
        {
            throw new Domain.ObsValidationException("observed", observed.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "an observed value must be finite");
        }

        bool? inside = null;
        if (lower is { } lo && upper is { } hi)
        {
            inside = observed >= Math.Min(lo, hi) && observed <= Math.Max(lo, hi);
        }

        var error = predicted - observed;
        return new ForecastScore(observed, error, Math.Abs(error), inside);
    }
}

/// <summary>Aggregates over scored forecasts: coverage of the intervals, mean absolute and root-mean-square error.</summary>
public sealed record LedgerSummary(int Entries, int Scored, int WithInterval, int Inside, double? Coverage, double? MeanAbsoluteError, double? RootMeanSquareError)
{
    public static LedgerSummary Of(int entries, IEnumerable<ForecastScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var list = scores.ToList();
        var withInterval = list.Count(s => s.Inside is not null);
        var inside = list.Count(s => s.Inside == true);
        return new LedgerSummary(
            entries,
            list.Count,
            withInterval,
            inside,
            withInterval == 0 ? null : (double)inside / withInterval,
            list.Count == 0 ? null : list.Average(s => s.AbsoluteError),
            list.Count == 0 ? null : Math.Sqrt(list.Average(s => s.Error * s.Error)));
    }
}
