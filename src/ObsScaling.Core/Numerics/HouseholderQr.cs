namespace ObsScaling.Core.Numerics;

/// <summary>
/// The R factor of a Householder QR of a tall matrix, without forming Q. PCA only needs R (AᵀA = RᵀR,
/// so A and R share singular values and right singular vectors), and MathNet's thin QR, which also
/// builds the n × p Q, dominates the cost of a small PCA.
/// </summary>
internal static class HouseholderQr
{
    /// <summary>
    /// Overwrites <paramref name="columns"/> (n × p, column-major, n ≥ p) and returns the p × p upper
    /// triangular R.
    /// </summary>
    public static double[,] UpperTriangle(double[] columns, int n, int p)
    {
        for (var c = 0; c < p; c++)
        {
            var x = columns.AsSpan((c * n) + c, n - c);
            var norm = Norm(x);
            if (norm == 0.0)
            {
                continue;
            }

            // v = x − βe₁ with β of opposite sign to x₀, so that forming v does not cancel.
            var beta = x[0] > 0 ? -norm : norm;
            x[0] -= beta;
            var vv = 0.0;
            foreach (var value in x)
            {
                vv += value * value;
            }

            for (var j = c + 1; j < p; j++)
            {
                var y = columns.AsSpan((j * n) + c, n - c);
                var dot = 0.0;
                for (var i = 0; i < x.Length; i++)
                {
                    dot += x[i] * y[i];
                }

                var f = 2.0 * dot / vv;
                for (var i = 0; i < x.Length; i++)
                {
                    y[i] -= f * x[i];
                }
            }

            x[0] = beta;
        }

        var r = new double[p, p];
        for (var j = 0; j < p; j++)
        {
            for (var i = 0; i <= j; i++)
            {
                r[i, j] = columns[(j * n) + i];
            }
        }

        return r;
    }

    /// <summary>Euclidean norm, scaled by the largest entry so that huge or tiny values neither overflow nor underflow.</summary>
    private static double Norm(ReadOnlySpan<double> x)
    {
        var scale = 0.0;
        foreach (var value in x)
        {
            scale = Math.Max(scale, Math.Abs(value));
        }

        if (scale == 0.0)
        {
            return 0.0;
        }

        var sum = 0.0;
        foreach (var value in x)
        {
            var s = value / scale;
            sum += s * s;
        }

        return scale * Math.Sqrt(sum);
    }
}
