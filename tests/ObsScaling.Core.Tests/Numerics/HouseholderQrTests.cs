using MathNet.Numerics.LinearAlgebra;
using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Tests.Numerics;

/// <summary>
/// <see cref="HouseholderQr"/> against MathNet's QR and SVD. R is unique only up to the sign of each row, so rows are
/// compared after making their diagonals non-negative; what PCA needs from R — RᵀR = AᵀA and A's singular values and
/// right singular vectors — is checked directly.
/// </summary>
public sealed class HouseholderQrTests
{
    [Theory]
    [MemberData(nameof(RandomMatrices.SizesAndSeeds), MemberType = typeof(RandomMatrices))]
    public void R_matches_MathNet_up_to_row_signs_on_tall_matrices(int p, int seed)
    {
        var rng = new Random(seed);
        var n = p + 1 + rng.Next(3 * p);
        var a = RandomMatrices.Gaussian(n, p, rng);
        var r = HouseholderQr.UpperTriangle(a.ToColumnMajorArray(), n, p);
        var oracle = a.QR().R;

        var scale = a.L2Norm();
        for (var i = 0; i < p; i++)
        {
            var ours = Math.Sign(r[i, i]) == 0 ? 1 : Math.Sign(r[i, i]);
            var theirs = Math.Sign(oracle[i, i]) == 0 ? 1 : Math.Sign(oracle[i, i]);
            for (var j = 0; j < p; j++)
            {
                if (j < i)
                {
                    Assert.Equal(0.0, r[i, j]);
                    continue;
                }

                var diff = Math.Abs((ours * r[i, j]) - (theirs * oracle[i, j]));
                Assert.True(diff <= 1e-12 * scale, $"R[{i},{j}] = {r[i, j]:R} vs {oracle[i, j]:R} (n = {n})");
            }
        }

        AssertSameGramAndSingularValues(a, r, 1e-12);
    }

    [Theory]
    [InlineData(20, 6, 3, 1)]
    [InlineData(40, 12, 5, 2)]
    [InlineData(9, 8, 1, 3)]
    [InlineData(100, 24, 10, 4)]
    public void Rank_deficient_matrices_keep_the_singular_values_and_right_vectors(int n, int p, int rank, int seed)
    {
        // A = U·W with U n × rank, W rank × p: p − rank singular values are zero.
        var rng = new Random(seed);
        var a = RandomMatrices.Gaussian(n, rank, rng) * RandomMatrices.Gaussian(rank, p, rng);
        var r = HouseholderQr.UpperTriangle(a.ToColumnMajorArray(), n, p);
        AssertSameGramAndSingularValues(a, r, 1e-12);

        // The right singular vectors of the non-zero singular values agree (up to sign) with A's.
        var svdA = a.Svd();
        var svdR = Matrix<double>.Build.DenseOfArray(r).Svd();
        for (var k = 0; k < rank; k++)
        {
            var dot = Math.Abs(svdA.VT.Row(k).DotProduct(svdR.VT.Row(k)));
            Assert.True(Math.Abs(dot - 1) <= 1e-9, $"right singular vector {k}: |cos| = {dot:R}");
        }
    }

    [Fact]
    public void A_zero_column_leaves_a_zero_column_in_R()
    {
        var rng = new Random(5);
        var a = RandomMatrices.Gaussian(10, 4, rng);
        a.SetColumn(1, new double[10]);
        var r = HouseholderQr.UpperTriangle(a.ToColumnMajorArray(), 10, 4);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(0.0, r[i, 1]);
        }

        AssertSameGramAndSingularValues(a, r, 1e-12);
    }

    [Fact]
    public void Huge_and_tiny_columns_neither_overflow_nor_underflow()
    {
        var rng = new Random(6);
        var a = RandomMatrices.Gaussian(12, 3, rng);
        a.SetColumn(0, a.Column(0) * 1e200);
        a.SetColumn(2, a.Column(2) * 1e-200);
        var r = HouseholderQr.UpperTriangle(a.ToColumnMajorArray(), 12, 3);
        Assert.All(r.Cast<double>(), v => Assert.True(double.IsFinite(v)));
        Assert.Equal(a.Column(0).L2Norm(), Math.Abs(r[0, 0]), 1e-12 * a.Column(0).L2Norm());
        Assert.True(Math.Abs(r[2, 2]) > 0);
    }

    private static void AssertSameGramAndSingularValues(Matrix<double> a, double[,] r, double relative)
    {
        var rm = Matrix<double>.Build.DenseOfArray(r);
        var gram = a.TransposeThisAndMultiply(a);
        var scale = gram.L2Norm();
        Assert.True((rm.TransposeThisAndMultiply(rm) - gram).L2Norm() <= 10 * relative * scale, "RᵀR ≠ AᵀA");
        var expected = a.Svd(computeVectors: false).S;
        var actual = rm.Svd(computeVectors: false).S;
        for (var k = 0; k < expected.Count; k++)
        {
            Assert.True(Math.Abs(expected[k] - actual[k]) <= relative * expected[0], $"σ{k} = {actual[k]:R} vs {expected[k]:R}");
        }
    }
}
