using ObsScaling.Core.Efficiency;

namespace ObsScaling.Core.Equivalence;

/// <summary>
/// Expresses an aggregated capability C = c + w·x as the log10 training FLOPs (units of 1e21) that a
/// reference family would need to reach it (docs/method.md §7): OLS of C on log10 FLOPs over the
/// reference family's models, then inverted.
/// </summary>
/// <param name="Slope">w_e: capability gained per decade of reference-family compute.</param>
/// <param name="Intercept">b_e.</param>
/// <param name="Fit">The regression behind the mapping; null for a mapping restored from storage.</param>
public sealed record EquivalentCompute(string ReferenceFamily, double Slope, double Intercept, OlsFit? Fit = null)
{
    /// <summary>log10 FLOPs (1E21) the reference family needs for capability <paramref name="capability"/>.</summary>
    public double ToLog10Flops(double capability) => (capability - Intercept) / Slope;

    /// <summary>The capability the reference family reaches at log10 FLOPs (1E21) <paramref name="log10Flops"/>.</summary>
    public double ToCapability(double log10Flops) => Intercept + (Slope * log10Flops);

    /// <summary>
    /// Fits the mapping on the reference family's rows. Returns null when fewer than two of them have
    /// FLOPs or their capability does not change with compute (nothing to invert).
    /// </summary>
    public static EquivalentCompute? TryFit(string referenceFamily, IReadOnlyList<double> capability, IReadOnlyList<double> flopsE21)
    {
        ArgumentNullException.ThrowIfNull(capability);
        ArgumentNullException.ThrowIfNull(flopsE21);
        var x = new List<double>();
        var y = new List<double>();
        for (var i = 0; i < capability.Count; i++)
        {
            if (double.IsFinite(capability[i]) && flopsE21[i] > 0 && double.IsFinite(flopsE21[i]))
            {
                x.Add(Math.Log10(flopsE21[i]));
                y.Add(capability[i]);
            }
        }

        if (x.Count < 2 || x.Distinct().Count() < 2)
        {
            return null;
        }

        var fit = LinearRegression.Fit(x, y, 0.95, "flops");
        return fit.Slope == 0 || !double.IsFinite(fit.Slope) ? null : new EquivalentCompute(referenceFamily, fit.Slope, fit.Intercept, fit);
    }
}
