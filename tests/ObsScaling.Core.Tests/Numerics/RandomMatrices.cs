using MathNet.Numerics.LinearAlgebra;

namespace ObsScaling.Core.Tests.Numerics;

/// <summary>Seeded random test matrices (MathNet types, the oracle's) and the row-major spans the hand-written solvers take.</summary>
internal static class RandomMatrices
{
    /// <summary>Sizes from the solvers' real use (a handful of PCs or law parameters) up to well past it.</summary>
    public static TheoryData<int, int> SizesAndSeeds()
    {
        var data = new TheoryData<int, int>();
        foreach (var size in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 24, 40 })
        {
            foreach (var seed in new[] { 1, 2, 3 })
            {
                data.Add(size, (size * 100) + seed);
            }
        }

        return data;
    }

    public static Matrix<double> Gaussian(int rows, int columns, Random rng) =>
        Matrix<double>.Build.Dense(rows, columns, (_, _) => Normal(rng));

    /// <summary>BᵀB + I/n for Gaussian B: symmetric positive definite with condition number of order n².</summary>
    public static Matrix<double> Spd(int n, Random rng)
    {
        var b = Gaussian(n, n, rng);
        return (b.TransposeThisAndMultiply(b) + Matrix<double>.Build.DenseIdentity(n) / n).Symmetrize();
    }

    /// <summary>BᵀB for a Gaussian rank × n B: positive semi-definite of exactly that rank (up to rounding).</summary>
    public static Matrix<double> RankDeficientPsd(int n, int rank, Random rng)
    {
        var b = Gaussian(rank, n, rng);
        return b.TransposeThisAndMultiply(b).Symmetrize();
    }

    public static double[] RowMajor(Matrix<double> a) => a.ToRowMajorArray();

    public static Matrix<double> FromRowMajor(ReadOnlySpan<double> values, int rows, int columns)
    {
        var copy = values[..(rows * columns)].ToArray();
        return Matrix<double>.Build.Dense(rows, columns, (i, j) => copy[(i * columns) + j]);
    }

    private static Matrix<double> Symmetrize(this Matrix<double> a) => (a + a.Transpose()) / 2;

    private static double Normal(Random rng)
    {
        // Box–Muller, so the draws depend only on System.Random's seeded sequence.
        var u = 1.0 - rng.NextDouble();
        var v = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
