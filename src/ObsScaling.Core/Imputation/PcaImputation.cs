using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Imputation;

/// <summary>
/// The result of fitting the imputer on training rows: the completed training matrix, and the
/// frozen train statistics and PCA used to complete further (test) rows.
/// </summary>
public sealed class PcaImputation
{
    internal PcaImputation(double[,] imputed, bool[,] missing, int iterations, bool converged, double lastChange,
        double[] mean, double[] scale, double[] pcaMean, double[,] basis, double[] fill, PcaImputationOptions options,
        IReadOnlyList<string>? columnNames)
    {
        Fill = fill;
        ColumnNames = columnNames;
        Imputed = imputed;
        Missing = missing;
        Iterations = iterations;
        Converged = converged;
        LastChange = lastChange;
        ColumnMean = mean;
        ColumnScale = scale;
        PcaMean = pcaMean;
        Basis = basis;
        Options = options;
    }

    /// <summary>
    /// Rebuilds a frozen model from stored parameters (as a service keeps it with a fitted law), so that new
    /// rows can be completed exactly as the test rows of the original fit were. It has no training matrix.
    /// </summary>
    public static PcaImputation Restore(double[] columnMean, double[] columnScale, double[] pcaMean, double[,] basis, double[] fill, PcaImputationOptions options, IReadOnlyList<string>? columnNames = null)
    {
        ArgumentNullException.ThrowIfNull(columnMean);
        ArgumentNullException.ThrowIfNull(columnScale);
        ArgumentNullException.ThrowIfNull(pcaMean);
        ArgumentNullException.ThrowIfNull(basis);
        ArgumentNullException.ThrowIfNull(fill);
        ArgumentNullException.ThrowIfNull(options);
        var p = columnMean.Length;
        if (columnScale.Length != p || pcaMean.Length != p || fill.Length != p || basis.GetLength(1) != p)
        {
            throw new ObsValidationException("imputation", $"{p} columns", "stored imputation parameters have inconsistent sizes");
        }

        return new PcaImputation(new double[0, p], new bool[0, p], 0, true, 0, columnMean, columnScale, pcaMean, basis, fill, options, columnNames);
    }

    /// <summary>Completed training matrix (raw scale, clipped).</summary>
    public double[,] Imputed { get; }

    /// <summary>Which cells were missing in the input.</summary>
    public bool[,] Missing { get; }

    /// <summary>PCA fits performed (each followed by one update of the missing cells).</summary>
    public int Iterations { get; }

    /// <summary>True when the stop test fired before <see cref="PcaImputationOptions.MaxIterations"/> ran out.</summary>
    public bool Converged { get; }

    /// <summary>Largest move of a missing cell in the last iteration (standardised scale).</summary>
    public double LastChange { get; }

    /// <summary>Train column means (nanmean) used to standardise.</summary>
    public double[] ColumnMean { get; }

    /// <summary>Train column std (nanstd, ddof=0; 1 where 0) used to standardise.</summary>
    public double[] ColumnScale { get; }

    /// <summary>Mean of the standardised completed matrix at the last iteration (the PCA centre m).</summary>
    public double[] PcaMean { get; }

    /// <summary>k × p orthonormal basis V of the last iteration.</summary>
    public double[,] Basis { get; }

    public PcaImputationOptions Options { get; }

    /// <summary>Standardised value missing cells start from (the train nanmean of the standardised column).</summary>
    /// <summary>Start values (standardised) for missing cells of new rows: the train column means of Z.</summary>
    public double[] Fill { get; }

    internal IReadOnlyList<string>? ColumnNames { get; }

    /// <summary>
    /// Completes further rows with the frozen train model (docs/method.md §3, new rows): standardise with train
    /// statistics, fill with train means, iterate the reconstruction with the last train PCA fixed.
    /// Observed cells are not changed.
    /// </summary>
    public ImputedRows Impute(double[,] rows, CancellationToken cancellationToken = default) =>
        PcaImputer.ImputeWithFrozenModel(this, rows, cancellationToken);
}

/// <summary>Rows completed by a frozen imputation model.</summary>
public sealed record ImputedRows(double[,] Imputed, bool[,] Missing, int Iterations, bool Converged);
