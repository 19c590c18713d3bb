using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Capability;

/// <summary>
/// A low-dimensional capability space: PCA of a complete (imputed) score matrix.
/// Sign rule: PC-1 is oriented so that the sum of its loadings over higher-is-better metrics
/// (minus those over lower-is-better ones) is positive, so a higher PC-1 means a more capable
/// model; every later PC has its largest-magnitude loading positive (sklearn ≥ 1.5's V-based rule;
/// magnitudes within 1e-12 relative of each other count as tied, and the first of them decides).
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
    /// a constant column, k larger than min(n, p) are validation errors naming the field; a matrix too large or a
    /// numerically degenerate column is refused by <see cref="DecompositionInput"/> before the SVD sees it.
    /// </summary>
    public static CapabilitySpace Fit(double[,] x, IReadOnlyList<string> metrics, PcaOptions? options = null, IReadOnlyList<bool>? higherIsBetter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(metrics);
        options ??= new PcaOptions();
        var n = x.GetLength(0);
        var p = x.GetLength(1);
        var k = options.Components;

        var v = new ViolationCollector();
        if (metrics.Count != p)
        {
            v.Add("metrics", metrics.Count.ToString(CultureInfo.InvariantCulture), $"{p} metric names expected, one per column");
            v.ThrowIfAny();
        }

        if (higherIsBetter is not null && higherIsBetter.Count != p)
        {
            v.Add("higherIsBetter", higherIsBetter.Count.ToString(CultureInfo.InvariantCulture), $"{p} directions expected, one per metric");
        }

        if (k < 1 || k > Math.Min(n, p))
        {
            v.Add("options.components", k.ToString(CultureInfo.InvariantCulture), $"must be between 1 and min(rows, metrics) = {Math.Min(n, p)}");
        }

        CheckFinite(v, x, metrics);
        if (v.HasAny)
        {
            v.ThrowIfAny();
        }

        DecompositionInput.Check(x, metrics);
        cancellationToken.ThrowIfCancellationRequested();

        var mean = new double[p];
        var scale = new double[p];
        for (var j = 0; j < p; j++)
        {
            var min = double.PositiveInfinity;
            var max = double.NegativeInfinity;
            for (var i = 0; i < n; i++)
            {
                mean[j] += x[i, j];
                min = Math.Min(min, x[i, j]);
                max = Math.Max(max, x[i, j]);
            }

            mean[j] /= n;
            if (min == max)
            {
                v.Add($"metrics[{metrics[j]}]", min, "constant column: it carries no information about capability");
            }

            var squares = 0.0;
            for (var i = 0; i < n; i++)
            {
                var d = x[i, j] - mean[j];
                squares += d * d;
            }

            var sd = Math.Sqrt(squares / n);
            scale[j] = options.Standardize && sd > 0 ? sd : 1.0;
        }

        v.ThrowIfAny();
        cancellationToken.ThrowIfCancellationRequested();

        var (singular, vt) = RightSingular(x, mean, scale, metrics);
        cancellationToken.ThrowIfCancellationRequested();

        var total = 0.0;
        foreach (var s in singular)
        {
            total += s * s;
        }

        var loadings = new double[k, p];
        var variance = new double[k];
        var ratio = new double[k];
        for (var c = 0; c < k; c++)
        {
            for (var j = 0; j < p; j++)
            {
                loadings[c, j] = vt[c, j];
            }

            var s2 = singular[c] * singular[c];
            variance[c] = s2 / (n - 1);
            ratio[c] = s2 / total;
            Orient(loadings, c, p, c == 0 ? higherIsBetter : null);
        }

        var space = new CapabilitySpace([.. metrics], mean, scale, loadings, variance, ratio, new double[n, k]);
        space.ProjectInto(x, space.Scores);
        return space;
    }

    /// <summary>Projects rows (same columns, complete) into the space: (x − mean)/scale · Loadingsᵀ.</summary>
    /// <summary>Rebuilds a fitted space from stored parameters (without training scores) to project new models.</summary>
    public static CapabilitySpace Restore(IReadOnlyList<string> metrics, double[] mean, double[] scale, double[,] loadings, double[] explainedVariance, double[] explainedVarianceRatio)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(loadings);
        var p = metrics.Count;
        if (mean.Length != p || scale.Length != p || loadings.GetLength(1) != p)
        {
            throw new ObsValidationException("space", $"{p} metrics", "stored capability-space parameters have inconsistent sizes");
        }

        return new CapabilitySpace(metrics, mean, scale, loadings, explainedVariance, explainedVarianceRatio, new double[0, loadings.GetLength(0)]);
    }

    public double[,] Project(double[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var v = new ViolationCollector();
        if (x.GetLength(1) != Mean.Length)
        {
            v.Add("x", $"{x.GetLength(1)} columns", $"the space was fitted on {Mean.Length} metrics");
            v.ThrowIfAny();
        }

        CheckFinite(v, x, Metrics);
        v.ThrowIfAny();
        var scores = new double[x.GetLength(0), Components];
        ProjectInto(x, scores);
        return scores;
    }

    public double[] Project(IReadOnlyList<double> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var matrix = new double[1, row.Count];
        for (var j = 0; j < row.Count; j++)
        {
            matrix[0, j] = row[j];
        }

        var scores = Project(matrix);
        var result = new double[Components];
        for (var c = 0; c < result.Length; c++)
        {
            result[c] = scores[0, c];
        }

        return result;
    }

    /// <summary>
    /// Singular values and right singular vectors of the centred (and scaled) n × p matrix A, from a
    /// decomposition of its smaller side only. For n ≥ p the SVD is taken of the p × p R of a QR of A, which has
    /// the same singular values and right vectors (MathNet's SVD of A itself would also build the n × n left
    /// factor). For n &lt; p, Aᵀ = QR with a thin p × n Q: A = Rᵀ·Qᵀ, so with Rᵀ = U·S·Wᵀ the right vectors are
    /// Q·W, and the work is O(p·n²) instead of the full SVD's p × p right factor (O(p³)).
    /// </summary>
    private static (double[] Singular, Matrix<double> Vt) RightSingular(double[,] x, double[] mean, double[] scale, IReadOnlyList<string> metrics)
    {
        var n = x.GetLength(0);
        var p = x.GetLength(1);
        try
        {
            if (n >= p)
            {
                var columns = new double[n * p];
                for (var j = 0; j < p; j++)
                {
                    for (var i = 0; i < n; i++)
                    {
                        columns[(j * n) + i] = (x[i, j] - mean[j]) / scale[j];
                    }
                }

                var r = Matrix<double>.Build.DenseOfArray(HouseholderQr.UpperTriangle(columns, n, p));
                var svd = r.Svd(computeVectors: true);
                return (svd.S.ToArray(), svd.VT);
            }

            var transposed = Matrix<double>.Build.Dense(p, n, (j, i) => (x[i, j] - mean[j]) / scale[j]);
            var qr = transposed.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
            var small = qr.R.Transpose().Svd(computeVectors: true);
            return (small.S.ToArray(), small.VT * qr.Q.Transpose());
        }
        catch (MathNet.Numerics.NonConvergenceException)
        {
            // Not expected once DecompositionInput has passed the matrix; if it happens, it is the data's doing.
            throw new ObsPreconditionException("metrics", string.Join(",", metrics.Take(20)), "the singular value decomposition of these scores did not converge: the data is numerically degenerate");
        }
    }

    private static void Orient(double[,] loadings, int c, int p, IReadOnlyList<bool>? higherIsBetter)
    {
        var direction = 0.0;
        if (c == 0)
        {
            for (var j = 0; j < p; j++)
            {
                direction += higherIsBetter is null || higherIsBetter[j] ? loadings[c, j] : -loadings[c, j];
            }
        }

        // Later PCs, and a PC-1 whose signed sum is exactly balanced, fall back to the V-based rule.
        // Magnitudes equal up to rounding count as tied and the first of them decides, so that the
        // sign does not hinge on the last bit of the SVD.
        if (direction == 0.0)
        {
            var largest = 0.0;
            for (var j = 0; j < p; j++)
            {
                largest = Math.Max(largest, Math.Abs(loadings[c, j]));
            }

            for (var j = 0; j < p; j++)
            {
                if (Math.Abs(loadings[c, j]) >= largest * (1 - 1e-12))
                {
                    direction = loadings[c, j];
                    break;
                }
            }
        }

        if (direction < 0)
        {
            for (var j = 0; j < p; j++)
            {
                loadings[c, j] = -loadings[c, j];
            }
        }
    }

    private static void CheckFinite(ViolationCollector v, double[,] x, IReadOnlyList<string> metrics)
    {
        for (var i = 0; i < x.GetLength(0); i++)
        {
            for (var j = 0; j < x.GetLength(1); j++)
            {
                if (!double.IsFinite(x[i, j]))
                {
                    v.Add($"x[{i}][{metrics[j]}]", x[i, j], "the matrix must be complete and finite (impute missing scores first)");
                }
            }
        }
    }

    private void ProjectInto(double[,] x, double[,] scores)
    {
        var p = Mean.Length;
        var centred = new double[p];
        for (var i = 0; i < x.GetLength(0); i++)
        {
            for (var j = 0; j < p; j++)
            {
                centred[j] = (x[i, j] - Mean[j]) / Scale[j];
            }

            for (var c = 0; c < Components; c++)
            {
                var s = 0.0;
                for (var j = 0; j < p; j++)
                {
                    s += centred[j] * Loadings[c, j];
                }

                scores[i, c] = s;
            }
        }
    }
}
