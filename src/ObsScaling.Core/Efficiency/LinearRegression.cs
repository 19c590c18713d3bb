namespace ObsScaling.Core.Efficiency;

/// <summary>Ordinary least squares of one response on one predictor.</summary>
public static class LinearRegression
{
    /// <summary>
    /// Fits y = a + b·x. Needs n ≥ 2 finite pairs and a non-constant x (validation error otherwise).
    /// With n = 2 the standard errors and intervals are NaN-free: they are reported as +∞ (no residual degrees of freedom).
    /// </summary>
    public static OlsFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y, double confidence = 0.95, string field = "x")
    {
        throw new NotImplementedException();
    }
}
