using System.Diagnostics;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Imputation;

namespace ObsScaling.Core.Tests.Capability;

/// <summary>
/// Numerically degenerate or oversized input is refused before a solver sees it: a column of 1e-300·i used to
/// keep MathNet's SVD (and the imputation's Jacobi sweeps) running for good.
/// </summary>
public class DecompositionInputTests
{
    private static readonly string[] Three = ["mmlu", "tiny", "arc"];

    [Theory]
    [InlineData(1e-300)]
    [InlineData(5e-324)]
    [InlineData(1e-200)]
    public void A_column_whose_values_differ_by_a_subnormal_amount_is_refused_naming_it(double step)
    {
        var x = Matrix(step);

        var clock = Stopwatch.StartNew();
        var fit = Assert.Throws<ObsPreconditionException>(() => CapabilitySpace.Fit(x, Three, new PcaOptions { Components = 2 }));
        var impute = Assert.Throws<ObsPreconditionException>(() => PcaImputer.Fit(x, new PcaImputationOptions { Components = 1 }, Three));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1));
        foreach (var ex in new[] { fit, impute })
        {
            var v = Assert.Single(ex.Violations);
            Assert.Equal("metrics[tiny]", v.Field);
            Assert.Contains("numerically constant", v.Description, StringComparison.Ordinal);
            Assert.Contains("..", v.Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_huge_score_is_refused_naming_the_metric_and_value()
    {
        var x = Matrix(0.1);
        x[2, 1] = 1e200;

        var ex = Assert.Throws<ObsPreconditionException>(() => CapabilitySpace.Fit(x, Three, new PcaOptions { Components = 2 }));

        var v = Assert.Single(ex.Violations);
        Assert.Equal("metrics[tiny]", v.Field);
        Assert.Equal("1E+200", v.Value);
    }

    [Fact]
    public void A_small_but_resolvable_spread_is_still_decomposed()
    {
        var x = Matrix(1e-60);
        x[0, 1] = double.NaN;

        var space = CapabilitySpace.Fit(PcaImputer.Fit(x, new PcaImputationOptions { Components = 1, Lower = null, Upper = null }, Three).Imputed, Three, new PcaOptions { Components = 2, Standardize = true });

        Assert.All(space.ExplainedVarianceRatio, r => Assert.True(double.IsFinite(r)));
    }

    [Theory]
    [InlineData(401, 401)]
    [InlineData(1000, 1000)]
    [InlineData(100_000, 201)]
    public void A_shape_beyond_the_bounds_is_an_invalid_argument_naming_the_field_and_the_bound(int models, int metrics)
    {
        var ex = Assert.Throws<ObsValidationException>(() => DecompositionInput.CheckShape(models, metrics));

        var v = Assert.Single(ex.Violations);
        Assert.Equal("metrics", v.Field);
        Assert.Contains($"{models} models × {metrics} metrics", v.Value, StringComparison.Ordinal);
        Assert.Matches("at most (400|20000000)", v.Description);
    }

    [Fact]
    public void Shapes_within_the_bounds_pass()
    {
        DecompositionInput.CheckShape(100_000, 200);
        DecompositionInput.CheckShape(2, 10_000);
        DecompositionInput.CheckShape(400, 400);
    }

    private static double[,] Matrix(double step)
    {
        var x = new double[8, 3];
        for (var i = 0; i < 8; i++)
        {
            x[i, 0] = 0.1 + (0.05 * i) + (0.01 * (i % 3));
            x[i, 1] = step * (i + 1);
            x[i, 2] = 0.2 + (0.03 * i) - (0.02 * (i % 2));
        }

        return x;
    }
}
