namespace ObsScaling.Core.Numerics;

/// <summary>
/// In-place Cholesky factorisation of small dense symmetric matrices stored row-major.
/// Hand-written because the solver factors a (d+2)×(d+2) matrix every iteration and must not allocate.
/// </summary>
internal static class Cholesky
{
    /// <summary>
    /// Overwrites the lower triangle of <paramref name="a"/> (m×m, row-major) with L such that A = L·Lᵀ.
    /// Returns false when A is not numerically positive definite; the upper triangle is left untouched.
    /// </summary>
    public static bool Factor(Span<double> a, int m)
    {
        for (var j = 0; j < m; j++)
        {
            var rowJ = a.Slice(j * m, m);
            var diag = rowJ[j];
            for (var k = 0; k < j; k++)
            {
                diag -= rowJ[k] * rowJ[k];
            }

            if (!(diag > 0) || !double.IsFinite(diag))
            {
                return false;
            }

            var ljj = Math.Sqrt(diag);
            rowJ[j] = ljj;
            for (var i = j + 1; i < m; i++)
            {
                var rowI = a.Slice(i * m, m);
                var s = rowI[j];
                for (var k = 0; k < j; k++)
                {
                    s -= rowI[k] * rowJ[k];
                }

                rowI[j] = s / ljj;
            }
        }

        return true;
    }

    /// <summary>Solves L·Lᵀ·x = b in place, with L from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<double> l, int m, Span<double> b)
    {
        for (var i = 0; i < m; i++)
        {
            var s = b[i];
            for (var k = 0; k < i; k++)
            {
                s -= l[(i * m) + k] * b[k];
            }

            b[i] = s / l[(i * m) + i];
        }

        for (var i = m - 1; i >= 0; i--)
        {
            var s = b[i];
            for (var k = i + 1; k < m; k++)
            {
                s -= l[(k * m) + i] * b[k];
            }

            b[i] = s / l[(i * m) + i];
        }
    }

    /// <summary>Smallest diagonal entry of L squared over the largest: a cheap lower-bound-ish proxy for 1/cond(A).</summary>
    public static double PivotRatio(ReadOnlySpan<double> l, int m)
    {
        double lo = double.PositiveInfinity, hi = 0;
        for (var i = 0; i < m; i++)
        {
            var v = l[(i * m) + i] * l[(i * m) + i];
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }

        return m == 0 ? 1 : lo / hi;
    }
}
