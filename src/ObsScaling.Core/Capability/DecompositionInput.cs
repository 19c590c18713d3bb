using System.Globalization;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Capability;

/// <summary>
/// What a score matrix must satisfy before an imputation or a PCA runs on it. Two kinds of refusal:
/// <list type="bullet">
/// <item>work a request may not ask for (INVALID_ARGUMENT): both solvers decompose the smaller side of the
/// matrix, so their cost grows with n·p·min(n, p) and min(n, p)³; bounding min(n, p) and n·p bounds both.</item>
/// <item>numerically degenerate columns (FAILED_PRECONDITION): a column whose values differ by less than
/// <see cref="MinSpread"/> (e.g. 1e-300·i) or whose magnitude exceeds <see cref="MaxMagnitude"/>. Their squares
/// underflow to subnormals or overflow, subnormal arithmetic is two orders of magnitude slower, and MathNet's SVD
/// and the Jacobi sweeps then never meet their convergence tests: one such request pinned a core for good.</item>
/// </list>
/// </summary>
public static class DecompositionInput
{
    /// <summary>Largest min(models, metrics): a Jacobi sweep or an SVD of this side takes tens of milliseconds.</summary>
    public const int MaxSmallerSide = 400;

    /// <summary>Largest models × metrics one decomposition may hold (160 MB of doubles).</summary>
    public const long MaxCells = 20_000_000;

    /// <summary>A column whose observed values differ by less than this (and by more than 0) is refused.</summary>
    public const double MinSpread = 1e-100;

    /// <summary>A score larger in magnitude than this is refused: its square would overflow.</summary>
    public const double MaxMagnitude = 1e100;

    /// <summary>
    /// Throws <see cref="ObsValidationException"/> naming <paramref name="field"/> when n × p is more work than a
    /// decomposition may take, then <see cref="ObsPreconditionException"/> naming each degenerate metric and its
    /// offending value. NaN cells (missing) are skipped.
    /// </summary>
    public static void Check(double[,] x, IReadOnlyList<string>? metrics, string field = "metrics")
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckShape(x.GetLength(0), x.GetLength(1), field);
        var v = new ViolationCollector();
        var n = x.GetLength(0);
        var p = x.GetLength(1);
        for (var j = 0; j < p; j++)
        {
            var min = double.PositiveInfinity;
            var max = double.NegativeInfinity;
            var name = metrics is not null && j < metrics.Count ? metrics[j] : j.ToString(CultureInfo.InvariantCulture);
            var reported = false;
            for (var i = 0; i < n; i++)
            {
                var value = x[i, j];
                if (!double.IsFinite(value))
                {
                    continue;
                }

                if (Math.Abs(value) > MaxMagnitude && !reported)
                {
                    v.Add($"metrics[{name}]", value, $"a score larger in magnitude than {Format(MaxMagnitude)} cannot be decomposed (its square overflows)");
                    reported = true;
                }

                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }

            var spread = max - min;
            if (!reported && spread > 0 && spread < MinSpread)
            {
                v.Add($"metrics[{name}]", $"{Format(min)}..{Format(max)}", $"the values differ by {Format(spread)}, less than {Format(MinSpread)}: numerically constant (their squares underflow); drop the metric or rescale it");
            }
        }

        v.ThrowPreconditionIfAny();
    }

    /// <summary>Throws <see cref="ObsValidationException"/> naming <paramref name="field"/> when n × p is more than a decomposition may take.</summary>
    public static void CheckShape(int models, int metricCount, string field = "metrics")
    {
        var smaller = Math.Min(models, metricCount);
        var shape = $"{models.ToString(CultureInfo.InvariantCulture)} models × {metricCount.ToString(CultureInfo.InvariantCulture)} metrics";
        if (smaller > MaxSmallerSide)
        {
            throw new ObsValidationException(field, shape, $"the smaller side is {smaller.ToString(CultureInfo.InvariantCulture)}; a decomposition takes at most {MaxSmallerSide.ToString(CultureInfo.InvariantCulture)} (fewer metrics or fewer models)");
        }

        if ((long)models * metricCount > MaxCells)
        {
            throw new ObsValidationException(field, shape, $"{((long)models * metricCount).ToString(CultureInfo.InvariantCulture)} cells; a decomposition takes at most {MaxCells.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
