namespace ObsScaling.Core.Capability;

/// <summary>
/// A low-dimensional capability space: PCA of a complete (imputed) score matrix.
/// Sign rule: PC-1 is oriented so that the sum of its loadings over higher-is-better metrics
/// (minus those over lower-is-better ones) is positive, so a higher PC-1 means a more capable
/// model; every later PC has its largest-magnitude loading positive (sklearn ≥ 1.5's V-based rule).
/// </summary>
public sealed class CapabilitySpace
{
    internal CapabilitySpace(IReadOnlyList<string> metrics, double[] mean, double[] scale, double[,] loadings,
        double[] explainedVariance, double[] explainedVarianceRatio, double[,] scores)
    {
        Metrics = metrics;
        Mean = mean;
        Scale = scale;
        Loadings = loadings;
        ExplainedVariance = explainedVariance;
        ExplainedVarianceRatio = explainedVarianceRatio;
        Scores = scores;
    }

    public IReadOnlyList<string> Metrics { get; }

    /// <summary>Column means of the training matrix.</summary>
    public double[] Mean { get; }

    /// <summary>Column scale (1 unless standardised; population std otherwise, 1 where 0).</summary>
    public double[] Scale { get; }

    /// <summary>k × p: row i is the unit loading vector of PC-(i+1).</summary>
    public double[,] Loadings { get; }

    /// <summary>S²/(n−1) for each kept component.</summary>
    public double[] ExplainedVariance { get; }

    /// <summary>S²/ΣS² over all components, for each kept component.</summary>
    public double[] ExplainedVarianceRatio { get; }

    /// <summary>n × k PC scores of the training rows.</summary>
    public double[,] Scores { get; }

    public int Components => Loadings.GetLength(0);

    /// <summary>
    /// Fits the space on a complete matrix (rows = models, columns = <paramref name="metrics"/>).
    /// <paramref name="higherIsBetter"/> orients PC-1 (all true when null). NaN or infinite cells,
    /// a constant column, k larger than min(n, p) are validation errors naming the field.
    /// </summary>
    public static CapabilitySpace Fit(double[,] x, IReadOnlyList<string> metrics, PcaOptions? options = null, IReadOnlyList<bool>? higherIsBetter = null)
    {
        throw new NotImplementedException();
    }

    /// <summary>Projects rows (same columns, complete) into the space: (x − mean)/scale · Loadingsᵀ.</summary>
    public double[,] Project(double[,] x)
    {
        throw new NotImplementedException();
    }

    public double[] Project(IReadOnlyList<double> row)
    {
        throw new NotImplementedException();
    }
}
