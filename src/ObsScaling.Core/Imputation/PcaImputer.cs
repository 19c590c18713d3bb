namespace ObsScaling.Core.Imputation;

/// <summary>Iterative low-rank PCA imputation of missing benchmark scores (method.md §3).</summary>
public static class PcaImputer
{
    /// <summary>
    /// Fits on <paramref name="train"/> (n × p, NaN = missing). Columns entirely missing or with fewer
    /// than two observed values are a validation error naming the column (by <paramref name="columnNames"/>).
    /// </summary>
    public static PcaImputation Fit(double[,] train, PcaImputationOptions? options = null, IReadOnlyList<string>? columnNames = null, CancellationToken cancellationToken = default)
    {
        throw new NotImplementedException();
    }

    internal static ImputedRows ImputeWithFrozenModel(PcaImputation model, double[,] rows, CancellationToken cancellationToken)
    {
        throw new NotImplementedException();
    }
}
