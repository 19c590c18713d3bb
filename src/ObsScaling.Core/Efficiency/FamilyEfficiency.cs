namespace ObsScaling.Core.Efficiency;

/// <summary>
/// How one family converts compute into one capability dimension: OLS of a PC score on
/// log10(FLOPs (1E21) + 1e-9) over the family's models (method.md §7, per-family fit).
/// </summary>
public sealed record FamilyEfficiency(string Family, int Component, OlsFit Fit)
{
    /// <summary>
    /// Fits every (family, component) pair with at least <paramref name="minModels"/> models that have FLOPs.
    /// <paramref name="scores"/> is n × k (rows aligned with <paramref name="families"/> and <paramref name="flopsE21"/>;
    /// NaN FLOPs rows are skipped). Component numbers are 1-based.
    /// </summary>
    public static IReadOnlyList<FamilyEfficiency> FitAll(double[,] scores, IReadOnlyList<string?> families, IReadOnlyList<double> flopsE21, int minModels = 2, double confidence = 0.95)
    {
        throw new NotImplementedException();
    }
}
