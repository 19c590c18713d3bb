using MathNet.Numerics.LinearAlgebra;
using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Tests.Numerics;

/// <summary><see cref="Cholesky"/> against MathNet's Cholesky on seeded random matrices.</summary>
public sealed class CholeskyTests
{
    [Theory]
    [MemberData(nameof(RandomMatrices.SizesAndSeeds), MemberType = typeof(RandomMatrices))]
    public void Factor_and_solve_match_MathNet_on_positive_definite_matrices(int n, int seed)
    {
        var rng = new Random(seed);
        var a = RandomMatrices.Spd(n, rng);
        var b = RandomMatrices.Gaussian(n, 1, rng).Column(0);
        var oracle = a.Cholesky();

        var l = RandomMatrices.RowMajor(a);
        Assert.True(Cholesky.Factor(l, n));
        // Backward-stable factor of a matrix with cond ≲ 10⁴: entries agree to ~cond·ε relative to the largest.
        var scale = oracle.Factor.Enumerate().Max(Math.Abs);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                Assert.True(Math.Abs(l[(i * n) + j] - oracle.Factor[i, j]) <= 1e-11 * scale, $"L[{i},{j}] = {l[(i * n) + j]:R} vs {oracle.Factor[i, j]:R}");
            }
        }

        var x = b.ToArray();
        Cholesky.Solve(l, n, x);
        var expected = oracle.Solve(b);
        var tolerance = 1e-10 * expected.InfinityNorm();
        for (var i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(x[i] - expected[i]) <= tolerance, $"x[{i}] = {x[i]:R} vs {expected[i]:R}");
        }

        // And the residual of the solve itself, independent of the oracle.
        Assert.True((a * Vector<double>.Build.DenseOfArray(x) - b).InfinityNorm() <= 1e-10 * (a.InfinityNorm() * expected.InfinityNorm()));
    }

    [Fact]
    public void Factor_leaves_the_strict_upper_triangle_untouched()
    {
        var a = RandomMatrices.Spd(5, new Random(7));
        var l = RandomMatrices.RowMajor(a);
        Assert.True(Cholesky.Factor(l, 5));
        for (var i = 0; i < 5; i++)
        {
            for (var j = i + 1; j < 5; j++)
            {
                Assert.Equal(a[i, j], l[(i * 5) + j]);
            }
        }
    }

    [Theory]
    [InlineData(3, 1, 11)]
    [InlineData(6, 3, 12)]
    [InlineData(10, 7, 13)]
    [InlineData(24, 20, 14)]
    public void Rank_deficient_matrices_fail_or_show_a_vanishing_pivot_ratio(int n, int rank, int seed)
    {
        // SymmetricInverse relies on exactly this: a singular normal matrix is either refused or flagged by its pivots.
        var a = RandomMatrices.RankDeficientPsd(n, rank, new Random(seed));
        var l = RandomMatrices.RowMajor(a);
        var factored = Cholesky.Factor(l, n);
        Assert.True(!factored || Cholesky.PivotRatio(l, n) < 1e-13, $"pivot ratio {Cholesky.PivotRatio(l, n):E3}");
    }

    [Fact]
    public void Indefinite_and_non_finite_matrices_are_refused()
    {
        double[] indefinite = [1, 2, 2, 1];
        Assert.False(Cholesky.Factor(indefinite, 2));
        double[] negative = [-1];
        Assert.False(Cholesky.Factor(negative, 1));
        double[] nan = [double.NaN, 0, 0, 1];
        Assert.False(Cholesky.Factor(nan, 2));
        double[] infinite = [double.PositiveInfinity, 0, 0, 1];
        Assert.False(Cholesky.Factor(infinite, 2));
    }

    [Fact]
    public void Pivot_ratio_of_a_diagonal_matrix_is_its_smallest_over_largest_entry()
    {
        double[] d = [4, 0, 0, 0, 1e-6, 0, 0, 0, 9];
        Assert.True(Cholesky.Factor(d, 3));
        Assert.Equal(1e-6 / 9, Cholesky.PivotRatio(d, 3), 1e-20);
        Assert.Equal(1, Cholesky.PivotRatio([], 0));
    }
}
