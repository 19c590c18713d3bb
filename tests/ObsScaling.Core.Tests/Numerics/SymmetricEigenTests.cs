using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;
using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Tests.Numerics;

/// <summary><see cref="SymmetricEigen"/> (cyclic Jacobi) against MathNet's symmetric eigen-decomposition.</summary>
public sealed class SymmetricEigenTests
{
    [Theory]
    [MemberData(nameof(RandomMatrices.SizesAndSeeds), MemberType = typeof(RandomMatrices))]
    public void Eigenpairs_of_indefinite_symmetric_matrices_match_MathNet(int p, int seed)
    {
        var g = RandomMatrices.Gaussian(p, p, new Random(seed));
        AssertMatchesMathNet((g + g.Transpose()) / 2);
    }

    [Theory]
    [MemberData(nameof(RandomMatrices.SizesAndSeeds), MemberType = typeof(RandomMatrices))]
    public void Eigenpairs_of_positive_definite_matrices_match_MathNet(int p, int seed) =>
        AssertMatchesMathNet(RandomMatrices.Spd(p, new Random(seed)));

    [Theory]
    [InlineData(4, 1, 1)]
    [InlineData(6, 3, 2)]
    [InlineData(12, 5, 3)]
    [InlineData(24, 10, 4)]
    [InlineData(40, 39, 5)]
    public void Rank_deficient_covariances_have_exact_null_eigenvalues_and_match_MathNet(int p, int rank, int seed)
    {
        var a = RandomMatrices.RankDeficientPsd(p, rank, new Random(seed));
        var values = AssertMatchesMathNet(a);
        var largest = values.Max();
        // Rank is what a PCA cut-off sees: rank eigenvalues far above rounding, the rest at it.
        Assert.Equal(rank, values.Count(v => v > 1e-10 * largest));
        Assert.All(values.Where(v => v <= 1e-10 * largest), v => Assert.True(Math.Abs(v) <= 1e-13 * largest * p, $"null eigenvalue {v:E3}"));
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(12, 2)]
    [InlineData(30, 3)]
    public void A_warm_start_from_a_nearby_matrix_gives_the_same_decomposition_in_fewer_sweeps(int p, int seed)
    {
        var rng = new Random(seed);
        var a = RandomMatrices.Spd(p, rng);
        var e = RandomMatrices.Gaussian(p, p, rng) * 1e-6;
        var nearby = a + ((e + e.Transpose()) / 2);

        var first = RandomMatrices.RowMajor(a);
        var vectors = new double[p * p];
        SymmetricEigen.Decompose(first, vectors, p);

        var cold = RandomMatrices.RowMajor(nearby);
        var coldVectors = new double[p * p];
        var coldSweeps = SymmetricEigen.Decompose(cold, coldVectors, p);
        var warm = RandomMatrices.RowMajor(nearby);
        var warmSweeps = SymmetricEigen.DecomposeWarm(warm, vectors, new double[p * p], p);

        Assert.True(warmSweeps < coldSweeps, $"warm {warmSweeps} sweeps, cold {coldSweeps}");
        var expected = Diagonal(cold, p).Order().ToArray();
        var actual = Diagonal(warm, p).Order().ToArray();
        for (var k = 0; k < p; k++)
        {
            Assert.Equal(expected[k], actual[k], 1e-12 * expected[^1]);
        }

        AssertEigenpairs(nearby, warm, vectors, p);
    }

    [Fact]
    public void Largest_first_orders_by_value_and_keeps_ties_in_index_order()
    {
        double[] a = [2, 0, 0, 0, 0, 5, 0, 0, 0, 0, 2, 0, 0, 0, 0, -1];
        var order = new int[4];
        SymmetricEigen.LargestFirst(a, 4, order);
        Assert.Equal([1, 0, 2, 3], order);
        // A span shorter than p receives only the top entries, as documented (this indexed past the span before).
        var top = new int[2];
        SymmetricEigen.LargestFirst(a, 4, top.AsSpan());
        Assert.Equal([1, 0], top);
    }

    [Fact]
    public void A_diagonal_matrix_needs_one_sweep_and_keeps_the_identity_basis()
    {
        double[] a = [3, 0, 0, 0, 1, 0, 0, 0, 2];
        var vectors = new double[9];
        Assert.Equal(1, SymmetricEigen.Decompose(a, vectors, 3));
        Assert.Equal([3, 0, 0, 0, 1, 0, 0, 0, 2], a);
        Assert.Equal([1, 0, 0, 0, 1, 0, 0, 0, 1], vectors);
    }

    private static double[] AssertMatchesMathNet(Matrix<double> matrix)
    {
        var p = matrix.RowCount;
        var a = RandomMatrices.RowMajor(matrix);
        var vectors = new double[p * p];
        SymmetricEigen.Decompose(a, vectors, p);
        var values = Diagonal(a, p);

        var oracle = matrix.Evd(Symmetricity.Symmetric);
        var expected = oracle.EigenValues.Select(c => c.Real).ToArray();
        var order = Enumerable.Range(0, p).OrderBy(k => values[k]).ToArray();
        var expectedOrder = Enumerable.Range(0, p).OrderBy(k => expected[k]).ToArray();
        var norm = matrix.L2Norm();
        for (var k = 0; k < p; k++)
        {
            var ours = values[order[k]];
            var theirs = expected[expectedOrder[k]];
            Assert.True(Math.Abs(ours - theirs) <= 1e-13 * p * norm, $"λ{k} = {ours:R} vs {theirs:R}");

            // An eigenvector is determined (up to sign) to about ε‖A‖/gap, its distance to the rest of the spectrum.
            var gap = double.PositiveInfinity;
            for (var l = 0; l < p; l++)
            {
                if (l != k)
                {
                    gap = Math.Min(gap, Math.Abs(expected[expectedOrder[l]] - theirs));
                }
            }

            if (gap > 1e-6 * norm)
            {
                var dot = 0.0;
                for (var i = 0; i < p; i++)
                {
                    dot += vectors[(i * p) + order[k]] * oracle.EigenVectors[i, expectedOrder[k]];
                }

                Assert.True(1 - Math.Abs(dot) <= Math.Max(1e-12, Math.Pow(1e-13 * p * norm / gap, 2) * 100), $"eigenvector {k}: |cos| = {Math.Abs(dot):R}, gap {gap:E2}");
            }
        }

        AssertEigenpairs(matrix, a, vectors, p);
        return values;
    }

    /// <summary>A·V = V·Λ and VᵀV = I to rounding, independent of any oracle.</summary>
    private static void AssertEigenpairs(Matrix<double> matrix, double[] decomposed, double[] vectors, int p)
    {
        var v = RandomMatrices.FromRowMajor(vectors, p, p);
        var lambda = Matrix<double>.Build.DenseOfDiagonalArray(Diagonal(decomposed, p));
        var norm = Math.Max(matrix.L2Norm(), double.Epsilon);
        Assert.True((matrix * v - v * lambda).L2Norm() <= 1e-13 * p * norm, "A·V ≠ V·Λ");
        Assert.True((v.TransposeThisAndMultiply(v) - Matrix<double>.Build.DenseIdentity(p)).L2Norm() <= 1e-13 * p, "VᵀV ≠ I");
    }

    private static double[] Diagonal(ReadOnlySpan<double> a, int p)
    {
        var d = new double[p];
        for (var i = 0; i < p; i++)
        {
            d[i] = a[(i * p) + i];
        }

        return d;
    }
}
