using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Imputation;

namespace ObsScaling.Core.Tests.Capability;

/// <summary>
/// Wide data (fewer models than metrics) is decomposed through its smaller side: the thin QR in
/// <see cref="CapabilitySpace"/> and the n × n Gram route of the imputation's low-rank model. Both must give
/// what the full decompositions give, on random matrices.
/// </summary>
public class ThinDecompositionTests
{
    [Theory]
    [InlineData(3, 40, 2, 1)]
    [InlineData(7, 120, 5, 2)]
    [InlineData(12, 13, 4, 3)]
    public void The_thin_PCA_of_wide_data_equals_the_full_SVD(int n, int p, int k, int seed)
    {
        var x = Random(n, p, seed);
        var metrics = Enumerable.Range(0, p).Select(j => $"m{j}").ToArray();

        var space = CapabilitySpace.Fit(x, metrics, new PcaOptions { Components = k });

        // The full SVD of the centred matrix, as the code did before (p × p right factor).
        var centred = Matrix<double>.Build.Dense(n, p, (i, j) => x[i, j] - Column(x, j).Average());
        var full = centred.Svd(computeVectors: true);
        var total = full.S.Sum(s => s * s);
        for (var c = 0; c < k; c++)
        {
            Assert.Equal(full.S[c] * full.S[c] / (n - 1), space.ExplainedVariance[c], 1e-10);
            Assert.Equal(full.S[c] * full.S[c] / total, space.ExplainedVarianceRatio[c], 1e-12);

            // Same vector up to the sign the orientation rule picks.
            var dot = 0.0;
            for (var j = 0; j < p; j++)
            {
                dot += full.VT[c, j] * space.Loadings[c, j];
            }

            Assert.Equal(1.0, Math.Abs(dot), 1e-9);
        }
    }

    [Theory]
    [InlineData(4, 30, 1, 11)]
    [InlineData(9, 50, 3, 12)]
    [InlineData(20, 60, 2, 13)]
    public void The_Gram_route_of_the_imputation_reproduces_the_column_route(int n, int p, int k, int seed)
    {
        var rng = new Random(seed);
        var z = new double[n * p];
        for (var i = 0; i < z.Length; i++)
        {
            z[i] = rng.NextDouble() - 0.5;
        }

        // A few missing cells, filled with zero as the imputer's first guess.
        for (var m = 0; m < n; m++)
        {
            z[(m * p) + rng.Next(p)] = double.NaN;
        }

        var cells = MissingCells.FromNaN(z, n, p);
        for (var i = 0; i < z.Length; i++)
        {
            z[i] = double.IsNaN(z[i]) ? 0.0 : z[i];
        }

        var byColumns = (double[])z.Clone();
        var byRows = (double[])z.Clone();
        var columnModel = new LowRankModel(p, k, p);
        var rowModel = new LowRankModel(p, k, n);
        columnModel.Prepare(byColumns, n, cells);
        rowModel.Prepare(byRows, n, cells);
        var scores = new double[k];
        for (var iteration = 0; iteration < 25; iteration++)
        {
            columnModel.Fit(byColumns);
            rowModel.Fit(byRows);
            for (var j = 0; j < p; j++)
            {
                Assert.Equal(columnModel.Mean[j], rowModel.Mean[j], 1e-12);
            }

            columnModel.Step(byColumns, cells, scores);
            rowModel.Step(byRows, cells, scores);
        }

        for (var i = 0; i < z.Length; i++)
        {
            Assert.Equal(byColumns[i], byRows[i], 1e-9);
        }
    }

    [Fact]
    public void Two_models_by_ten_thousand_metrics_impute_and_decompose_in_well_under_a_second()
    {
        var metrics = Enumerable.Range(0, 10_000).Select(j => $"m{j}").ToArray();
        var x3 = Random(3, 10_000, 6);
        x3[1, 3] = double.NaN;
        var clock = Stopwatch.StartNew();

        var imputation = PcaImputer.Fit(x3, new PcaImputationOptions { Components = 1, Lower = null, Upper = null }, metrics);
        var space = CapabilitySpace.Fit(imputation.Imputed, metrics, new PcaOptions { Components = 2 });
        var pair = CapabilitySpace.Fit(Random(2, 10_000, 7), metrics, new PcaOptions { Components = 1 });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalMilliseconds:F0} ms (the full p × p route took minutes)");
        Assert.Equal(2, space.Components);
        Assert.Equal(1.0, pair.ExplainedVarianceRatio[0], 12);
        Assert.True(double.IsFinite(imputation.Imputed[1, 3]));
    }

    private static double[,] Random(int n, int p, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n, p];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < p; j++)
            {
                x[i, j] = rng.NextDouble();
            }
        }

        return x;
    }

    private static IEnumerable<double> Column(double[,] x, int j) => Enumerable.Range(0, x.GetLength(0)).Select(i => x[i, j]);
}
