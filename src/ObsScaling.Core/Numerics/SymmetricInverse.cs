using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace ObsScaling.Core.Numerics;

/// <summary>
/// Inverse of a small symmetric positive semi-definite matrix (a normal matrix JᵀJ), falling back to the
/// Moore–Penrose pseudo-inverse when it is singular so that callers never see NaN or ∞ from a rank deficiency.
/// </summary>
internal static class SymmetricInverse
{
    /// <summary>
    /// Below this pivot ratio (after scaling to unit diagonal) the matrix is treated as singular: a Cholesky
    /// inverse would be dominated by rounding, so the eigen-decomposition decides which directions are null.
    /// </summary>
    private const double SingularPivotRatio = 1e-13;

    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>Returns A⁺ (A⁻¹ when A is well conditioned). <paramref name="a"/> is m×m row-major and is not modified.</summary>
    public static double[] Invert(ReadOnlySpan<double> a, int m)
    {
        var result = new double[m * m];
        if (m == 0)
        {
            return result;
        }

        // Scaling to unit diagonal removes the dependence on the units of each parameter before judging rank.
        var scale = new double[m];
        var zeroDiagonal = false;
        for (var i = 0; i < m; i++)
        {
            var dii = a[(i * m) + i];
            zeroDiagonal |= !(dii > 0);
            scale[i] = dii > 0 ? 1 / Math.Sqrt(dii) : 0;
        }

        if (!zeroDiagonal)
        {
            var l = new double[m * m];
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < m; j++)
                {
                    l[(i * m) + j] = a[(i * m) + j] * scale[i] * scale[j];
                }
            }

            if (Cholesky.Factor(l, m) && Cholesky.PivotRatio(l, m) > SingularPivotRatio)
            {
                var column = new double[m];
                for (var j = 0; j < m; j++)
                {
                    Array.Clear(column);
                    column[j] = 1;
                    Cholesky.Solve(l, m, column);
                    for (var i = 0; i < m; i++)
                    {
                        result[(i * m) + j] = column[i] * scale[i] * scale[j];
                    }
                }

                return result;
            }
        }

        PseudoInvert(a, m, result);
        return result;
    }

    private static void PseudoInvert(ReadOnlySpan<double> a, int m, double[] result)
    {
        var matrix = Matrix<double>.Build.Dense(m, m);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++)
            {
                matrix[i, j] = 0.5 * (a[(i * m) + j] + a[(j * m) + i]);
            }
        }

        var evd = matrix.Evd(Symmetricity.Symmetric);
        var values = evd.EigenValues;
        var vectors = evd.EigenVectors;
        var largest = 0.0;
        for (var k = 0; k < m; k++)
        {
            largest = Math.Max(largest, Math.Abs(values[k].Real));
        }

        // numpy.linalg.pinv's default cut-off (rcond ≈ m·eps relative to the largest singular value).
        var cutoff = largest * m * MachineEpsilon;
        for (var k = 0; k < m; k++)
        {
            var lambda = values[k].Real;
            if (lambda <= cutoff)
            {
                continue;
            }

            for (var i = 0; i < m; i++)
            {
                var vi = vectors[i, k] / lambda;
                for (var j = 0; j < m; j++)
                {
                    result[(i * m) + j] += vi * vectors[j, k];
                }
            }
        }
    }
}
