using CsCheck;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Tests.Support;

namespace ObsScaling.Core.Tests.Imputation;

public class PcaImputerTests
{
    private static readonly string[] Names = ["A", "B", "C", "D"];

    /// <summary>(n, p, k, seed) for a noisy low-rank matrix with about a fifth of its cells missing.</summary>
    private static readonly Gen<(int, int, int, int)> Cases =
        Gen.Select(Gen.Int[4, 30], Gen.Int[3, 9], Gen.Int[1, 2], Gen.Int);

    [Theory]
    [InlineData(1, 11)]
    [InlineData(2, 12)]
    [InlineData(3, 13)]
    public void Recovers_hidden_cells_of_an_exactly_low_rank_matrix(int rank, int seed)
    {
        var truth = Matrices.LowRank(40, 8, rank, seed);
        var x = Hide(truth, 0.15, seed);

        var fit = PcaImputer.Fit(x, new PcaImputationOptions { Components = rank });

        Assert.True(fit.Converged);
        Assert.True(fit.LastChange < 1e-10);
        Assert.True(fit.Iterations < fit.Options.MaxIterations);
        Assert.True(Matrices.MaxAbsDiff(truth, fit.Imputed) < 1e-8, $"max diff {Matrices.MaxAbsDiff(truth, fit.Imputed)}");
    }

    [Fact]
    public void Observed_cells_never_change() =>
        Cases.Sample((n, p, k, seed) =>
        {
            var x = Noisy(n, p, seed);
            var fit = PcaImputer.Fit(x, new PcaImputationOptions { Components = Math.Min(k, p - 1) });
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < p; j++)
                {
                    Assert.Equal(double.IsNaN(x[i, j]), fit.Missing[i, j]);
                    if (!double.IsNaN(x[i, j]))
                    {
                        Assert.Equal(x[i, j], fit.Imputed[i, j]);
                    }
                    else
                    {
                        Assert.InRange(fit.Imputed[i, j], 0.0, 1.0);
                    }
                }
            }
        }, iter: 200);

    [Fact]
    public void Row_order_does_not_change_the_result() =>
        Cases.Sample((n, p, k, seed) =>
        {
            var x = Noisy(n, p, seed);
            var options = new PcaImputationOptions { Components = Math.Min(k, p - 1) };
            var order = Enumerable.Range(0, n).OrderBy(_ => Random.Shared.Next()).ToArray();

            var straight = PcaImputer.Fit(x, options);
            var permuted = PcaImputer.Fit(Matrices.Rows(x, order), options);

            Assert.True(Matrices.MaxAbsDiff(Matrices.Rows(straight.Imputed, order), permuted.Imputed) < 1e-8);
        }, iter: 200);

    [Fact]
    public void A_complete_matrix_is_returned_unchanged_after_one_iteration()
    {
        var x = Matrices.LowRank(10, 4, 2, 5);
        var fit = PcaImputer.Fit(x);
        Assert.True(fit.Converged);
        Assert.Equal(1, fit.Iterations);
        Assert.Equal(0.0, fit.LastChange);
        Assert.Equal(0.0, Matrices.MaxAbsDiff(x, fit.Imputed));
    }

    [Fact]
    public void Imputed_cells_are_clipped_unless_bounds_are_removed()
    {
        // Column B follows A with slope 2, so the missing B of the top row extrapolates beyond 1.
        var x = Matrices.From([
            [0.1, 0.2, 0.5], [0.2, 0.4, 0.5], [0.3, 0.6, 0.5], [0.4, 0.8, 0.5], [0.7, double.NaN, 0.5],
        ]);
        var clipped = PcaImputer.Fit(x, new PcaImputationOptions { Components = 1 });
        var free = PcaImputer.Fit(x, new PcaImputationOptions { Components = 1, Lower = null, Upper = null });

        Assert.Equal(1.0, clipped.Imputed[4, 1]);
        Assert.Equal(1.4, free.Imputed[4, 1], 8);
    }

    [Fact]
    public void Frozen_model_completes_a_train_row_as_the_fit_did()
    {
        var truth = Matrices.LowRank(30, 6, 1, 21);
        var x = Hide(truth, 0.1, 21);
        for (var i = 0; i < x.GetLength(0); i++)
        {
            x[i, 5] = truth[i, 5];
        }

        x[0, 5] = double.NaN;
        x[0, 2] = double.NaN;
        var fit = PcaImputer.Fit(x);

        var again = fit.Impute(Matrices.Rows(x, [0, 1, 2]));

        Assert.True(again.Converged);
        Assert.True(Matrices.MaxAbsDiff(Matrices.Rows(fit.Imputed, [0, 1, 2]), again.Imputed) < 1e-9);
        Assert.True(again.Missing[0, 5]);
    }

    [Fact]
    public void Frozen_model_projects_an_entirely_missing_row_from_its_fill()
    {
        var fit = PcaImputer.Fit(Hide(Matrices.LowRank(20, 4, 1, 3), 0.1, 3));
        var row = new double[1, 4];
        for (var j = 0; j < 4; j++)
        {
            row[0, j] = double.NaN;
        }

        var done = fit.Impute(row);

        // One step lands on m + VᵀV(fill − m), and the fill is the (zero) standardised column mean.
        var v = fit.Basis;
        var score = 0.0;
        for (var j = 0; j < 4; j++)
        {
            score += (0.0 - fit.PcaMean[j]) * v[0, j];
        }

        Assert.True(done.Converged);
        for (var j = 0; j < 4; j++)
        {
            var z = fit.PcaMean[j] + (score * v[0, j]);
            Assert.Equal((z * fit.ColumnScale[j]) + fit.ColumnMean[j], done.Imputed[0, j], 12);
        }
    }

    [Fact]
    public void Test_rows_with_another_column_count_are_rejected()
    {
        var fit = PcaImputer.Fit(Matrices.LowRank(10, 4, 1, 1));
        var ex = Assert.Throws<ObsValidationException>(() => fit.Impute(new double[2, 3]));
        Assert.Equal("rows", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void Infinite_test_cells_are_rejected_with_their_position()
    {
        var fit = PcaImputer.Fit(Matrices.LowRank(10, 4, 1, 1), columnNames: Names);
        var rows = new double[2, 4];
        rows[1, 3] = double.NegativeInfinity;
        var ex = Assert.Throws<ObsValidationException>(() => fit.Impute(rows));
        Assert.Equal("rows[1][D]", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void A_column_with_fewer_than_two_observations_is_named()
    {
        var x = Matrices.LowRank(5, 4, 1, 1);
        for (var i = 1; i < 5; i++)
        {
            x[i, 1] = double.NaN;
        }

        var named = Assert.Throws<ObsValidationException>(() => PcaImputer.Fit(x, columnNames: Names));
        Assert.Equal("metrics[B]", Assert.Single(named.Violations).Field);
        var indexed = Assert.Throws<ObsValidationException>(() => PcaImputer.Fit(x));
        Assert.Equal("metrics[1]", Assert.Single(indexed.Violations).Field);
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Infinite_cells_are_errors(double value)
    {
        var x = Matrices.LowRank(5, 4, 1, 1);
        x[2, 3] = value;
        var ex = Assert.Throws<ObsValidationException>(() => PcaImputer.Fit(x, columnNames: Names));
        Assert.Equal("train[2][D]", Assert.Single(ex.Violations).Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(-1)]
    public void The_rank_must_be_between_one_and_below_the_column_count(int k)
    {
        var ex = Assert.Throws<ObsValidationException>(() =>
            PcaImputer.Fit(Matrices.LowRank(5, 4, 1, 1), new PcaImputationOptions { Components = k }));
        Assert.Equal("options.components", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void A_single_row_is_rejected()
    {
        var ex = Assert.Throws<ObsValidationException>(() => PcaImputer.Fit(new double[1, 3] { { 0.1, 0.2, 0.3 } }));
        Assert.Contains(ex.Violations, v => v.Field == "train");
    }

    [Fact]
    public void Bad_options_are_reported_together()
    {
        var options = new PcaImputationOptions { MaxIterations = 0, Tolerance = double.NaN, Lower = 0.5, Upper = 0.2 };
        var ex = Assert.Throws<ObsValidationException>(() => PcaImputer.Fit(Matrices.LowRank(5, 4, 1, 1), options));
        Assert.Equal(["options.lower", "options.max_iterations", "options.tolerance"], ex.Violations.Select(v => v.Field).Order());
    }

    [Fact]
    public void A_cancelled_token_stops_the_fit()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => PcaImputer.Fit(Hide(Matrices.LowRank(10, 4, 1, 1), 0.2, 1), cancellationToken: cts.Token));
    }

    [Fact]
    public void Running_out_of_iterations_is_reported()
    {
        var fit = PcaImputer.Fit(Hide(Matrices.LowRank(20, 5, 2, 4), 0.2, 4), new PcaImputationOptions { MaxIterations = 2 });
        Assert.False(fit.Converged);
        Assert.Equal(2, fit.Iterations);
        Assert.True(fit.LastChange > fit.Options.Tolerance);
    }

    [SkippableFact]
    public void Default_paper_set_matches_the_reference_fixed_point()
    {
        Skip.IfNot(File.Exists(PaperData.BaseEvalCsv), PaperData.MissingReason);
        var set = PaperData.LoadDefaultSet();
        Assert.Equal(77, set.Models.Length);

        var fit = PcaImputer.Fit(set.Scores, columnNames: PaperData.Metrics);

        Assert.True(fit.Converged);
        Assert.InRange(fit.Iterations, 10, 30);
        // numpy, 1000 iterations of the reference's loop (docs/method.md §3).
        var expected = new (string Model, string Metric, double Value)[]
        {
            ("meta-llama/Meta-Llama-3-70B", "ARC-C", 0.7272183735072869),
            ("meta-llama/Meta-Llama-3-8B", "ARC-C", 0.6146828773065445),
            ("tiiuae/falcon-180B", "HumanEval", 0.41821708516559764),
            ("tiiuae/falcon-40b", "HumanEval", 0.33064217091544923),
            ("tiiuae/falcon-7b", "HumanEval", 0.19635926545759197),
            ("tiiuae/falcon-rw-1b", "HumanEval", 0.09345070921168779),
        };
        Assert.Equal(expected.Length, fit.Missing.Cast<bool>().Count(m => m));
        foreach (var (model, metric, value) in expected)
        {
            var i = Array.IndexOf(set.Models, model);
            var j = Array.IndexOf(PaperData.Metrics, metric);
            Assert.True(fit.Missing[i, j]);
            Assert.Equal(value, fit.Imputed[i, j], 1e-9);
        }
    }

    private static double[,] Noisy(int n, int p, int seed)
    {
        var x = Matrices.LowRank(n, p, 2, seed);
        var rng = new Random(seed);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < p; j++)
            {
                x[i, j] += 0.01 * (rng.NextDouble() - 0.5);
            }
        }

        return Hide(x, 0.2, seed);
    }

    /// <summary>Hides about <paramref name="fraction"/> of the cells, keeping the first two rows whole.</summary>
    private static double[,] Hide(double[,] truth, double fraction, int seed)
    {
        var rng = new Random(seed + 1000);
        var x = (double[,])truth.Clone();
        for (var i = 2; i < x.GetLength(0); i++)
        {
            for (var j = 0; j < x.GetLength(1); j++)
            {
                if (rng.NextDouble() < fraction)
                {
                    x[i, j] = double.NaN;
                }
            }
        }

        return x;
    }
}
