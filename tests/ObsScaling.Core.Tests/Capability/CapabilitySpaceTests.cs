using CsCheck;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Tests.Support;

namespace ObsScaling.Core.Tests.Capability;

public class CapabilitySpaceTests
{
    private static readonly string[] Two = ["A", "B"];

    [Fact]
    public void Two_columns_give_the_diagonal_eigenvectors_in_closed_form()
    {
        // Centred rows ±(1, 1) and ±(½, −½): the covariance is [[a, b], [b, a]], whose eigenvectors are
        // (1, 1)/√2 with S² = 4 and (1, −1)/√2 with S² = 1.
        var x = Matrices.From([[4, 6], [2, 4], [3.5, 4.5], [2.5, 5.5]]);

        var space = CapabilitySpace.Fit(x, Two, new PcaOptions { Components = 2 });

        var r = Math.Sqrt(0.5);
        Assert.Equal([3.0, 5.0], space.Mean);
        Assert.Equal(r, space.Loadings[0, 0], 12);
        Assert.Equal(r, space.Loadings[0, 1], 12);
        // Equal magnitudes: the V-based rule makes the first of the tied entries positive.
        Assert.Equal(r, space.Loadings[1, 0], 12);
        Assert.Equal(-r, space.Loadings[1, 1], 12);
        Assert.Equal(4.0 / 3.0, space.ExplainedVariance[0], 12);
        Assert.Equal(1.0 / 3.0, space.ExplainedVariance[1], 12);
        Assert.Equal(0.8, space.ExplainedVarianceRatio[0], 12);
        Assert.Equal(0.2, space.ExplainedVarianceRatio[1], 12);
        Assert.Equal(Math.Sqrt(2), space.Scores[0, 0], 12);
        Assert.Equal(-r, space.Scores[3, 1], 12);
    }

    [Fact]
    public void A_dominant_model_has_the_highest_first_component()
    {
        var x = Matrices.LowRank(20, 5, 2, 7);
        var best = new double[5];
        for (var j = 0; j < 5; j++)
        {
            best[j] = Enumerable.Range(0, 20).Max(i => x[i, j]) + 0.05;
        }

        var withBest = new double[21, 5];
        for (var i = 0; i < 20; i++)
        {
            for (var j = 0; j < 5; j++)
            {
                withBest[i, j] = x[i, j];
            }
        }

        for (var j = 0; j < 5; j++)
        {
            withBest[20, j] = best[j];
        }

        var names = new[] { "a", "b", "c", "d", "e" };
        var space = CapabilitySpace.Fit(withBest, names, new PcaOptions { Components = 2 });

        var top = Enumerable.Range(0, 21).MaxBy(i => space.Scores[i, 0]);
        Assert.Equal(20, top);
        Assert.True(Enumerable.Range(0, 5).Sum(j => space.Loadings[0, j]) > 0);
    }

    [Fact]
    public void Lower_is_better_metrics_flip_their_contribution_to_the_orientation()
    {
        // One column rises with capability, the other (an error rate) falls with it.
        var x = Matrices.From([[0.1, 0.9], [0.2, 0.82], [0.5, 0.48], [0.9, 0.15]]);

        var space = CapabilitySpace.Fit(x, Two, new PcaOptions { Components = 1 }, higherIsBetter: [true, false]);

        Assert.True(space.Loadings[0, 0] > 0);
        Assert.True(space.Loadings[0, 1] < 0);
        Assert.True(space.Scores[3, 0] > space.Scores[0, 0]);
    }

    [Fact]
    public void Later_components_have_their_largest_loading_positive() =>
        Gen.Select(Gen.Int[6, 40], Gen.Int[3, 8], Gen.Int).Sample((n, p, seed) =>
        {
            var x = Matrices.LowRank(n, p, 3, seed);
            AddNoise(x, seed);
            var k = Math.Min(n, p);
            var space = CapabilitySpace.Fit(x, Names(p), new PcaOptions { Components = k });
            for (var c = 1; c < k; c++)
            {
                var largest = Enumerable.Range(0, p).MaxBy(j => Math.Abs(space.Loadings[c, j]));
                Assert.True(space.Loadings[c, largest] > 0);
            }
        }, iter: 100);

    [Fact]
    public void Loadings_are_orthonormal_and_the_ratios_of_all_components_sum_to_one() =>
        Gen.Select(Gen.Int[2, 40], Gen.Int[2, 9], Gen.Int).Sample((n, p, seed) =>
        {
            var x = Matrices.LowRank(n, p, 3, seed);
            AddNoise(x, seed);
            var k = Math.Min(n, p);
            var space = CapabilitySpace.Fit(x, Names(p), new PcaOptions { Components = k });
            for (var a = 0; a < k; a++)
            {
                for (var b = 0; b < k; b++)
                {
                    var dot = Enumerable.Range(0, p).Sum(j => space.Loadings[a, j] * space.Loadings[b, j]);
                    // With n ≤ p the last direction has S = 0 and is not determined beyond being orthogonal.
                    Assert.Equal(a == b ? 1.0 : 0.0, dot, 10);
                }
            }

            Assert.Equal(1.0, space.ExplainedVarianceRatio.Sum(), 12);
            for (var c = 1; c < k; c++)
            {
                Assert.True(space.ExplainedVariance[c] <= space.ExplainedVariance[c - 1] + 1e-15);
            }
        }, iter: 100);

    [Fact]
    public void Projecting_the_training_rows_gives_the_scores() =>
        Gen.Select(Gen.Int[3, 30], Gen.Int[2, 8], Gen.Bool, Gen.Int).Sample((n, p, standardize, seed) =>
        {
            var x = Matrices.LowRank(n, p, 2, seed);
            AddNoise(x, seed);
            var space = CapabilitySpace.Fit(x, Names(p), new PcaOptions { Components = Math.Min(Math.Min(n, p), 3), Standardize = standardize });
            Assert.True(Matrices.MaxAbsDiff(space.Scores, space.Project(x)) < 1e-12);
            var row = Enumerable.Range(0, p).Select(j => x[n - 1, j]).ToArray();
            var single = space.Project(row);
            for (var c = 0; c < space.Components; c++)
            {
                Assert.Equal(space.Scores[n - 1, c], single[c], 12);
            }
        }, iter: 100);

    [Fact]
    public void Standardising_equals_the_pca_of_z_scores()
    {
        var x = Matrices.LowRank(15, 4, 2, 9);
        AddNoise(x, 9);
        var z = (double[,])x.Clone();
        for (var j = 0; j < 4; j++)
        {
            var column = Enumerable.Range(0, 15).Select(i => x[i, j]).ToArray();
            var mean = column.Average();
            var sd = Math.Sqrt(column.Sum(v => (v - mean) * (v - mean)) / 15);
            for (var i = 0; i < 15; i++)
            {
                z[i, j] = (x[i, j] - mean) / sd;
            }
        }

        var names = Names(4);
        var standardised = CapabilitySpace.Fit(x, names, new PcaOptions { Components = 3, Standardize = true });
        var plain = CapabilitySpace.Fit(z, names, new PcaOptions { Components = 3 });

        Assert.True(Matrices.MaxAbsDiff(standardised.Loadings, plain.Loadings) < 1e-12);
        Assert.True(Matrices.MaxAbsDiff(standardised.Scores, plain.Scores) < 1e-12);
        Assert.Equal(plain.ExplainedVariance[0], standardised.ExplainedVariance[0], 12);
    }

    [Fact]
    public void Non_finite_cells_are_named_by_row_and_metric()
    {
        var x = Matrices.From([[0.1, 0.2], [0.3, double.NaN], [double.PositiveInfinity, 0.4]]);
        var ex = Assert.Throws<ObsValidationException>(() => CapabilitySpace.Fit(x, Two, new PcaOptions { Components = 1 }));
        Assert.Equal(["x[1][B]", "x[2][A]"], ex.Violations.Select(v => v.Field).Order());
    }

    [Fact]
    public void A_constant_column_is_rejected()
    {
        var x = Matrices.From([[0.1, 0.5], [0.3, 0.5], [0.2, 0.5]]);
        var ex = Assert.Throws<ObsValidationException>(() => CapabilitySpace.Fit(x, Two, new PcaOptions { Components = 1 }));
        var violation = Assert.Single(ex.Violations);
        Assert.Equal("metrics[B]", violation.Field);
        Assert.Contains("constant column", violation.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Components_beyond_the_matrix_rank_bound_are_rejected(int k)
    {
        var x = Matrices.From([[0.1, 0.5], [0.3, 0.2], [0.2, 0.9]]);
        var ex = Assert.Throws<ObsValidationException>(() => CapabilitySpace.Fit(x, Two, new PcaOptions { Components = k }));
        Assert.Equal("options.components", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void Projecting_rows_of_another_width_is_rejected()
    {
        var space = CapabilitySpace.Fit(Matrices.From([[0.1, 0.5], [0.3, 0.2], [0.2, 0.9]]), Two, new PcaOptions { Components = 1 });
        Assert.Equal("x", Assert.Single(Assert.Throws<ObsValidationException>(() => space.Project(new double[1, 3])).Violations).Field);
        Assert.Equal("x[0][A]", Assert.Single(Assert.Throws<ObsValidationException>(() => space.Project([double.NaN, 0.1])).Violations).Field);
    }

    [SkippableFact]
    public void Default_paper_set_matches_sklearn()
    {
        Skip.IfNot(File.Exists(PaperData.BaseEvalCsv), PaperData.MissingReason);
        var set = PaperData.LoadDefaultSet();
        var imputed = PcaImputer.Fit(set.Scores, columnNames: PaperData.Metrics).Imputed;

        var space = CapabilitySpace.Fit(imputed, PaperData.Metrics);

        // sklearn 1.2.1 PCA(5) on numpy's 1000-iteration imputation (docs/method.md §4).
        double[] pc1 = [0.4481137181769775, 0.3443203783166623, 0.37882759301818386, 0.24163040265487054, 0.08458546662698638, 0.5522741351108136, 0.2143841194691429, 0.34730390694737046];
        double[] ratio = [0.8016302891777229, 0.11902775177006789, 0.04633048209433163, 0.013587976457143753, 0.011259638587655533];
        double[] variance = [0.1506952326548099, 0.02237554517029071, 0.008709479759524076, 0.002554348683128902, 0.002116653873341415];
        for (var j = 0; j < pc1.Length; j++)
        {
            Assert.Equal(pc1[j], space.Loadings[0, j], 1e-9);
        }

        for (var c = 0; c < 5; c++)
        {
            Assert.Equal(ratio[c], space.ExplainedVarianceRatio[c], 1e-9);
            Assert.Equal(variance[c], space.ExplainedVariance[c], 1e-9);
        }
    }

    private static string[] Names(int p) => Enumerable.Range(0, p).Select(j => $"m{j}").ToArray();

    private static void AddNoise(double[,] x, int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < x.GetLength(0); i++)
        {
            for (var j = 0; j < x.GetLength(1); j++)
            {
                x[i, j] += 0.01 * (rng.NextDouble() - 0.5);
            }
        }
    }
}
