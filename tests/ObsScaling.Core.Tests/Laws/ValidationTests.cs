using ObsScaling.Core.Domain;
using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Tests.Laws;

public class ValidationTests
{
    private static (double[,] X, double[] Y) Good() => LawData.Generate(LawLink.SigmoidWithFloor, 0, [1.0, 0.5], 0.05, n: 10, noise: 0.01, seed: 11);

    [Fact]
    public void Non_finite_predictors_name_their_cell()
    {
        var (x, y) = Good();
        x[3, 1] = double.NaN;
        x[7, 0] = double.PositiveInfinity;
        var ex = Assert.Throws<ObsValidationException>(() => ScalingLawFitter.Fit(x, y));
        Assert.Equal(["x[3][1]", "x[7][0]"], ex.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Non_finite_targets_name_their_index()
    {
        var (x, y) = Good();
        y[2] = double.NaN;
        var ex = Assert.Throws<ObsValidationException>(() => ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = LawLink.Linear }));
        Assert.Equal("y[2]", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void A_row_count_mismatch_names_y()
    {
        var (x, y) = Good();
        var ex = Assert.Throws<ObsValidationException>(() => ScalingLawFitter.Fit(x, y[..^1]));
        Assert.Equal("y", Assert.Single(ex.Violations).Field);
    }

    [Theory]
    [InlineData(LawLink.Sigmoid, 1.6)]
    [InlineData(LawLink.SigmoidWithFloor, -0.6)]
    [InlineData(LawLink.SigmoidWithFloor, 57.0)]
    public void A_target_far_outside_what_a_sigmoid_reaches_is_rejected(LawLink link, double value)
    {
        var (x, y) = Good();
        y[4] = value;
        var ex = Assert.Throws<ObsValidationException>(() => ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = link }));
        Assert.Equal("y[4]", Assert.Single(ex.Violations).Field);
    }

    [Theory]
    [InlineData(LawLink.Sigmoid, 1.05)]
    [InlineData(LawLink.SigmoidWithFloor, -0.02)]
    public void Below_chance_or_slightly_above_one_targets_are_fitted_as_noise(LawLink link, double value)
    {
        // A min–max transform with the chance level as floor puts below-chance models just under 0.
        var (x, y) = Good();
        y[4] = value;
        Assert.True(ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = link }).Converged);
    }

    [Fact]
    public void The_linear_link_accepts_any_finite_target()
    {
        var (x, y) = Good();
        y[4] = 57.0;
        Assert.True(double.IsFinite(ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = LawLink.Linear }).Intercept));
    }

    [Fact]
    public void Too_few_models_is_a_precondition_naming_the_count_needed()
    {
        var (x, y) = LawData.Generate(LawLink.Sigmoid, 0, [1.0, 0.5, 0.2], 0, n: 4, noise: 0.01, seed: 12);
        var ex = Assert.Throws<ObsPreconditionException>(() => ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = LawLink.Linear }));
        var v = Assert.Single(ex.Violations);
        Assert.Equal("models", v.Field);
        Assert.Equal("4", v.Value);
        Assert.Contains("5 models", v.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_constant_target_is_a_precondition_for_a_sigmoid()
    {
        var (x, _) = Good();
        var y = Enumerable.Repeat(0.3, 10).ToArray();
        var ex = Assert.Throws<ObsPreconditionException>(() => ScalingLawFitter.Fit(x, y));
        Assert.Equal("y", Assert.Single(ex.Violations).Field);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void A_floor_limit_outside_0_1_is_rejected(double floorMax)
    {
        var (x, y) = Good();
        var ex = Assert.Throws<ObsValidationException>(() => ScalingLawFitter.Fit(x, y, new ScalingLawOptions { FloorMax = floorMax }));
        Assert.Equal("options.floor_max", Assert.Single(ex.Violations).Field);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void A_non_positive_huber_threshold_is_rejected(double delta)
    {
        var (x, y) = Good();
        var ex = Assert.Throws<ObsValidationException>(() => ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Loss = LossKind.Huber, HuberDelta = delta }));
        Assert.Equal("options.huber_delta", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void Bad_solver_settings_are_rejected_together()
    {
        var (x, y) = Good();
        var ex = Assert.Throws<ObsValidationException>(() => ScalingLawFitter.Fit(x, y, new ScalingLawOptions { MaxIterations = 0, ExtraStarts = -1, Tolerance = 0 }));
        Assert.Equal(["options.max_iterations", "options.extra_starts", "options.tolerance"], ex.Violations.Select(v => v.Field));
    }
}
