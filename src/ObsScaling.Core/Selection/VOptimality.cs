using System.Runtime.CompilerServices;

namespace ObsScaling.Core.Selection;

/// <summary>
/// The V-optimality objective −trace(G_all · G_S⁻¹) on k × k Gram matrices stored as packed upper triangles
/// (row-major: (0,0), (0,1), …, (0,k−1), (1,1), …), so that a subset's Gram matrix is a plain sum of its
/// families' packed vectors.
/// </summary>
internal sealed class VOptimality
{
    /// <summary>
    /// A Gram matrix counts as singular when det(G) ≤ tolerance · Π G_jj (i.e. the determinant of its
    /// correlation matrix, which lies in [0, 1]). Exactly collinear designs land near 1e-16 through rounding;
    /// anything this close to singular would score so badly that it could only win when nothing else fits.
    /// </summary>
    internal const double SingularityTolerance = 1e-12;

    private readonly int _k;
    private readonly double[] _allWeighted;
    private readonly double[] _allCholesky;

    private VOptimality(int k, double[] allWeighted, double[] allCholesky)
    {
        _k = k;
        _allWeighted = allWeighted;
        _allCholesky = allCholesky;
    }

    /// <summary>The objective against the whole pool's packed Gram matrix; null when that matrix is singular.</summary>
    public static VOptimality? TryCreate(ReadOnlySpan<double> packedAll, int k)
    {
        var allCholesky = new double[k * k];
        if (!TryCholesky(packedAll, k, allCholesky))
        {
            return null;
        }

        // trace(A·adj(G)) over symmetric matrices counts each off-diagonal product twice.
        double[] allWeighted = k == 3
            ? [packedAll[0], 2 * packedAll[1], 2 * packedAll[2], packedAll[3], 2 * packedAll[4], packedAll[5]]
            : [];
        return new VOptimality(k, allWeighted, allCholesky);
    }

    public static int PackedLength(int k) => k * (k + 1) / 2;

    /// <summary>Scratch space <see cref="Objective"/> needs for k ≠ 3; allocate once per worker.</summary>
    public int ScratchLength => _k == 3 ? 0 : 2 * _k * _k;

    /// <summary>Adds row x (first k entries used) as x·xᵀ to a packed Gram matrix.</summary>
    public static void AddOuterProduct(Span<double> packed, ReadOnlySpan<double> x, int k)
    {
        var t = 0;
        for (var i = 0; i < k; i++)
        {
            for (var j = i; j < k; j++)
            {
                packed[t++] += x[i] * x[j];
            }
        }
    }

    /// <summary>The objective for a subset's packed Gram matrix; −∞ when it is singular.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Objective(ReadOnlySpan<double> packed, Span<double> scratch) =>
        _k == 3 ? Objective3(packed) : ObjectiveCholesky(packed, scratch);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Objective3(ReadOnlySpan<double> g)
    {
        double a = g[0], b = g[1], c = g[2], d = g[3], e = g[4], f = g[5];
        var c00 = (d * f) - (e * e);
        var c01 = (c * e) - (b * f);
        var c02 = (b * e) - (c * d);
        var det = (a * c00) + (b * c01) + (c * c02);
        if (!(det > SingularityTolerance * a * d * f))
        {
            return double.NegativeInfinity;
        }

        var c11 = (a * f) - (c * c);
        var c12 = (b * c) - (a * e);
        var c22 = (a * d) - (b * b);
        var w = _allWeighted;
        var trace = (w[0] * c00) + (w[1] * c01) + (w[2] * c02) + (w[3] * c11) + (w[4] * c12) + (w[5] * c22);
        return -trace / det;
    }

    // trace(A·G⁻¹) = ‖L_G⁻¹ L_A‖²_F for G = L_G L_Gᵀ and A = L_A L_Aᵀ; L_G⁻¹ L_A is lower triangular.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double ObjectiveCholesky(ReadOnlySpan<double> packed, Span<double> scratch)
    {
        var k = _k;
        var l = scratch[..(k * k)];
        if (!TryCholesky(packed, k, l))
        {
            return double.NegativeInfinity;
        }

        var y = scratch.Slice(k * k, k * k);
        var la = _allCholesky;
        var sum = 0.0;
        for (var col = 0; col < k; col++)
        {
            for (var r = col; r < k; r++)
            {
                var v = la[(r * k) + col];
                for (var s = col; s < r; s++)
                {
                    v -= l[(r * k) + s] * y[(s * k) + col];
                }

                v /= l[(r * k) + r];
                y[(r * k) + col] = v;
                sum += v * v;
            }
        }

        return -sum;
    }

    /// <summary>Lower Cholesky factor into <paramref name="l"/> (k × k row-major); false when singular by the tolerance above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryCholesky(ReadOnlySpan<double> packed, int k, Span<double> l)
    {
        var det = 1.0;
        var diagonalProduct = 1.0;
        for (var j = 0; j < k; j++)
        {
            var gjj = packed[PackedIndex(j, j, k)];
            var pivot = gjj;
            for (var s = 0; s < j; s++)
            {
                pivot -= l[(j * k) + s] * l[(j * k) + s];
            }

            if (!(pivot > 0))
            {
                return false;
            }

            det *= pivot;
            diagonalProduct *= gjj;
            var ljj = Math.Sqrt(pivot);
            l[(j * k) + j] = ljj;
            for (var i = j + 1; i < k; i++)
            {
                var v = packed[PackedIndex(j, i, k)];
                for (var s = 0; s < j; s++)
                {
                    v -= l[(i * k) + s] * l[(j * k) + s];
                }

                l[(i * k) + j] = v / ljj;
                l[(j * k) + i] = 0;
            }
        }

        return det > SingularityTolerance * diagonalProduct;
    }

    private static int PackedIndex(int i, int j, int k) => (i * k) - (i * (i - 1) / 2) + (j - i);
}
