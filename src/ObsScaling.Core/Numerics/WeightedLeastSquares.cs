namespace ObsScaling.Core.Numerics;

/// <summary>
/// Weighted linear least squares min Σ w_i (t_i − X_i·β)² for small dense designs whose first column is all ones.
/// </summary>
internal static class WeightedLeastSquares
{
    /// <summary>
    /// Solves for β (length k) with <paramref name="design"/> n×k row-major, column 0 the intercept.
    /// Empty <paramref name="weights"/> means unit weights. A rank-deficient design gets the minimum-norm slope.
    /// </summary>
    /// <remarks>
    /// The slopes are solved on (weighted-)centred data, which decouples the intercept and keeps the normal
    /// equations far better conditioned than the raw ones when predictors have large means (e.g. ln FLOPs).
    /// </remarks>
    public static void Solve(ReadOnlySpan<double> design, int k, ReadOnlySpan<double> target, ReadOnlySpan<double> weights, Span<double> beta)
    {
        var n = target.Length;
        var d = k - 1;
        Span<double> mean = stackalloc double[k];
        var totalWeight = 0.0;
        var targetMean = 0.0;
        for (var i = 0; i < n; i++)
        {
            var w = weights.IsEmpty ? 1.0 : weights[i];
            totalWeight += w;
            targetMean += w * target[i];
            for (var j = 1; j < k; j++)
            {
                mean[j] += w * design[(i * k) + j];
            }
        }

        targetMean /= totalWeight;
        for (var j = 1; j < k; j++)
        {
            mean[j] /= totalWeight;
        }

        var a = new double[d * d];
        Span<double> rhs = stackalloc double[d];
        Span<double> centred = stackalloc double[d];
        for (var i = 0; i < n; i++)
        {
            var w = weights.IsEmpty ? 1.0 : weights[i];
            var t = target[i] - targetMean;
            for (var j = 0; j < d; j++)
            {
                centred[j] = design[(i * k) + j + 1] - mean[j + 1];
            }

            for (var j = 0; j < d; j++)
            {
                var wj = w * centred[j];
                rhs[j] += wj * t;
                for (var e = 0; e <= j; e++)
                {
                    a[(j * d) + e] += wj * centred[e];
                }
            }
        }

        for (var j = 0; j < d; j++)
        {
            for (var e = 0; e < j; e++)
            {
                a[(e * d) + j] = a[(j * d) + e];
            }
        }

        var inverse = SymmetricInverse.Invert(a, d);
        var intercept = targetMean;
        for (var j = 0; j < d; j++)
        {
            var s = 0.0;
            for (var e = 0; e < d; e++)
            {
                s += inverse[(j * d) + e] * rhs[e];
            }

            beta[j + 1] = s;
            intercept -= s * mean[j + 1];
        }

        beta[0] = intercept;
    }
}
