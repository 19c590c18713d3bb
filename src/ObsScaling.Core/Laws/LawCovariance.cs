namespace ObsScaling.Core.Laws;

/// <summary>The asymptotic covariance s²·(JᵀJ)⁻¹ reported with a fit.</summary>
internal static class LawCovariance
{
    /// <summary>
    /// <paramref name="jacobian"/> is n×m row-major at the solution. Parameters flagged in <paramref name="fixedAt"/>
    /// (sitting on a bound) are treated as known: their rows and columns are zero and the rest is the inverse of the
    /// free block, not a block of the full inverse. s² = SSE/(n − m) counts every parameter, as scipy's curve_fit
    /// does. With n = m there is no residual degree of freedom: the free entries are +∞ (scipy does the same).
    /// </summary>
    public static double[,] Compute(ReadOnlySpan<double> jacobian, ReadOnlySpan<double> residuals, int m, ReadOnlySpan<bool> fixedAt)
    {
        var n = residuals.Length;
        var result = new double[m, m];
        Span<int> free = stackalloc int[m];
        var f = 0;
        for (var j = 0; j < m; j++)
        {
            if (!fixedAt[j])
            {
                free[f++] = j;
            }
        }

        if (n <= m)
        {
            for (var a = 0; a < f; a++)
            {
                for (var b = 0; b < f; b++)
                {
                    result[free[a], free[b]] = double.PositiveInfinity;
                }
            }

            return result;
        }

        var sse = 0.0;
        foreach (var r in residuals)
        {
            sse += r * r;
        }

        var s2 = sse / (n - m);
        var normal = new double[f * f];
        for (var i = 0; i < n; i++)
        {
            var row = jacobian.Slice(i * m, m);
            for (var a = 0; a < f; a++)
            {
                var ja = row[free[a]];
                for (var b = 0; b <= a; b++)
                {
                    normal[(a * f) + b] += ja * row[free[b]];
                }
            }
        }

        for (var a = 0; a < f; a++)
        {
            for (var b = 0; b < a; b++)
            {
                normal[(b * f) + a] = normal[(a * f) + b];
            }
        }

        var inverse = Numerics.SymmetricInverse.Invert(normal, f);
        for (var a = 0; a < f; a++)
        {
            for (var b = 0; b < f; b++)
            {
                result[free[a], free[b]] = s2 * inverse[(a * f) + b];
            }
        }

        return result;
    }
}
