namespace ObsScaling.Core.Efficiency;

/// <summary>
/// Simple linear regression y = Intercept + Slope·x by ordinary least squares, with
/// Student-t confidence intervals at <see cref="Confidence"/>.
/// </summary>
public sealed record OlsFit(
    double Slope,
    double Intercept,
    double RSquared,
    int N,
    double SlopeStandardError,
    double InterceptStandardError,
    double SlopeLower,
    double SlopeUpper,
    double InterceptLower,
    double InterceptUpper,
    double ResidualStandardError,
    double Confidence)
{
    /// <summary>Mean of the fitted x values (needed for the mean-prediction band).</summary>
    public double XMean { get; init; }

    /// <summary>Σ(x − x̄)² of the fitted x values.</summary>
    public double XSumOfSquares { get; init; }

    /// <summary>Two-sided Student-t quantile at <see cref="Confidence"/> with N − 2 degrees of freedom (+∞ when N = 2).</summary>
    public double CriticalT { get; init; } = double.PositiveInfinity;

    public double Predict(double x) => Intercept + (Slope * x);

    /// <summary>
    /// Confidence interval of the mean response at <paramref name="x"/> (statsmodels'
    /// <c>get_prediction().conf_int()</c>, the band of the per-family plots).
    /// </summary>
    public (double Lower, double Upper) MeanInterval(double x)
    {
        var y = Predict(x);
        var d = x - XMean;
        var half = CriticalT * ResidualStandardError * Math.Sqrt((1.0 / N) + (d * d / XSumOfSquares));
        return (y - half, y + half);
    }
}
