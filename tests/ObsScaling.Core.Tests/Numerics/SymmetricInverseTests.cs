using MathNet.Numerics.LinearAlgebra;
using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Tests.Numerics;

/// <summary>
/// <see cref="SymmetricInverse"/> against MathNet's inverse and SVD pseudo-inverse, and against the Moore–Penrose
/// conditions themselves (A·A⁺·A = A, A⁺·A·A⁺ = A⁺, A·A⁺ symmetric).
/// </summary>
public sealed class SymmetricInverseTests
{
    [Theory]
    [MemberData(nameof(RandomMatrices.SizesAndSeeds), MemberType = typeof(RandomMatrices))]
    public void Inverse_of_a_positive_definite_matrix_matches_MathNet(int m, int seed)
    {
        var a = RandomMatrices.Spd(m, new Random(seed));
        var inverse = Invert(a);
        var expected = a.Inverse();
        // cond(A) ≲ 10⁴ here, so the two inverses agree to ~cond·ε relative.
        Assert.True((inverse - expected).L2Norm() <= 1e-11 * expected.L2Norm(), $"‖A⁻¹ − oracle‖ = {(inverse - expected).L2Norm():E3}");
        AssertMoorePenrose(a, inverse, 1e-10);
    }

    [Theory]
    [InlineData(2, 1, 1)]
    [InlineData(3, 2, 2)]
    [InlineData(5, 2, 3)]
    [InlineData(8, 5, 4)]
    [InlineData(12, 11, 5)]
    [InlineData(24, 6, 6)]
    [InlineData(40, 20, 7)]
    public void Pseudo_inverse_of_a_rank_deficient_matrix_matches_MathNet(int m, int rank, int seed)
    {
        var a = RandomMatrices.RankDeficientPsd(m, rank, new Random(seed));
        var pseudo = Invert(a);
        var expected = a.PseudoInverse();
        Assert.All(pseudo.Enumerate(), v => Assert.True(double.IsFinite(v)));
        // The pseudo-inverse is as well determined as the non-zero part of the spectrum: ~cond₊·ε.
        var nonZero = a.Evd().EigenValues.Select(c => c.Real).Where(v => v > 1e-10 * a.L2Norm()).ToArray();
        var tolerance = 1e-13 * m * (nonZero.Max() / nonZero.Min()) * expected.L2Norm();
        Assert.True((pseudo - expected).L2Norm() <= tolerance, $"‖A⁺ − oracle‖ = {(pseudo - expected).L2Norm():E3}, allowed {tolerance:E3}");
        AssertMoorePenrose(a, pseudo, 1e-8);
    }

    [Fact]
    public void Parameters_in_wildly_different_units_are_inverted_not_declared_singular()
    {
        // diag(1e-8, 1, 1e8)·C·diag(…) with a well-conditioned C: singular to an unscaled test, regular after scaling.
        var c = RandomMatrices.Spd(3, new Random(9));
        var d = Matrix<double>.Build.DenseOfDiagonalArray([1e-8, 1, 1e8]);
        var a = d * c * d;
        var inverse = Invert(a);
        var expected = d.Inverse() * c.Inverse() * d.Inverse();
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                Assert.Equal(expected[i, j], inverse[i, j], 1e-10 * Math.Abs(expected[i, j]));
            }
        }
    }

    [Fact]
    public void A_zero_row_and_column_give_a_zero_row_and_column_in_the_pseudo_inverse()
    {
        var a = RandomMatrices.Spd(4, new Random(10));
        a.SetRow(2, new double[4]);
        a.SetColumn(2, new double[4]);
        var pseudo = Invert(a);
        // Zero to rounding: the eigen-decomposition mixes the null direction into the others at the ε level.
        var limit = 1e-14 * pseudo.L2Norm();
        Assert.All(pseudo.Row(2).Concat(pseudo.Column(2)), v => Assert.True(Math.Abs(v) <= limit, $"{v:E3}"));
        var reduced = a.RemoveRow(2).RemoveColumn(2).Inverse();
        var kept = pseudo.RemoveRow(2).RemoveColumn(2);
        Assert.True((kept - reduced).L2Norm() <= 1e-11 * reduced.L2Norm());
    }

    [Fact]
    public void Empty_and_zero_matrices_invert_to_zero()
    {
        Assert.Empty(SymmetricInverse.Invert([], 0));
        Assert.All(SymmetricInverse.Invert(new double[9], 3), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void The_input_is_not_modified()
    {
        var a = RandomMatrices.RowMajor(RandomMatrices.RankDeficientPsd(5, 2, new Random(11)));
        var copy = a.ToArray();
        _ = SymmetricInverse.Invert(a, 5);
        Assert.Equal(copy, a);
    }

    private static Matrix<double> Invert(Matrix<double> a) =>
        RandomMatrices.FromRowMajor(SymmetricInverse.Invert(RandomMatrices.RowMajor(a), a.RowCount), a.RowCount, a.RowCount);

    private static void AssertMoorePenrose(Matrix<double> a, Matrix<double> pseudo, double relative)
    {
        var aNorm = a.L2Norm();
        var pNorm = pseudo.L2Norm();
        Assert.True((a * pseudo * a - a).L2Norm() <= relative * aNorm, "A·A⁺·A ≠ A");
        Assert.True((pseudo * a * pseudo - pseudo).L2Norm() <= relative * pNorm, "A⁺·A·A⁺ ≠ A⁺");
        var projector = a * pseudo;
        Assert.True((projector - projector.Transpose()).L2Norm() <= relative * Math.Max(1, projector.L2Norm()), "A·A⁺ not symmetric");
    }
}
