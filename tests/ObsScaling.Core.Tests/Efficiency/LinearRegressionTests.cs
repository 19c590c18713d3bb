using ObsScaling.Core.Domain;
using ObsScaling.Core.Efficiency;

namespace ObsScaling.Core.Tests.Efficiency;

public class LinearRegressionTests
{
    [Fact]
    public void Four_points_worked_by_hand()
    {
        // x̄ = 1.5, ȳ = 2.75, Sxx = 5, Sxy = 5.5 → b = 1.1, a = 1.1.
        // Residuals −0.1, 0.8, −1.3, 0.6 → SSE = 2.7, SST = 8.75, σ² = 2.7/2 = 1.35.
        // SE(b) = √(1.35/5), SE(a) = √(1.35·(1/4 + 1.5²/5)); t(0.975, 2) = 4.302652729911275 (scipy).
        var fit = LinearRegression.Fit([0, 1, 2, 3], [1, 3, 2, 5]);

        const double t = 4.302652729911275;
        var slopeSe = Math.Sqrt(0.27);
        var interceptSe = Math.Sqrt(0.945);
        Assert.Equal(1.1, fit.Slope, 12);
        Assert.Equal(1.1, fit.Intercept, 12);
        Assert.Equal(1 - (2.7 / 8.75), fit.RSquared, 12);
        Assert.Equal(4, fit.N);
        Assert.Equal(Math.Sqrt(1.35), fit.ResidualStandardError, 12);
        Assert.Equal(slopeSe, fit.SlopeStandardError, 12);
        Assert.Equal(interceptSe, fit.InterceptStandardError, 12);
        Assert.Equal(t, fit.CriticalT, 9);
        Assert.Equal(1.1 - (t * slopeSe), fit.SlopeLower, 9);
        Assert.Equal(1.1 + (t * slopeSe), fit.SlopeUpper, 9);
        Assert.Equal(1.1 - (t * interceptSe), fit.InterceptLower, 9);
        Assert.Equal(1.1 + (t * interceptSe), fit.InterceptUpper, 9);
        Assert.Equal(0.95, fit.Confidence);
        Assert.Equal(4.4, fit.Predict(3), 12);
    }

    [Fact]
    public void The_mean_band_is_narrowest_at_the_mean_of_x()
    {
        var fit = LinearRegression.Fit([0, 1, 2, 3], [1, 3, 2, 5]);

        var (lower, upper) = fit.MeanInterval(1.5);

        var half = 4.302652729911275 * Math.Sqrt(1.35) / 2;
        Assert.Equal(2.75 - half, lower, 9);
        Assert.Equal(2.75 + half, upper, 9);
        var (farLower, farUpper) = fit.MeanInterval(4);
        Assert.True(farUpper - farLower > upper - lower);
    }

    [Fact]
    public void Another_confidence_level_uses_its_own_quantile()
    {
        // t(0.95, 2) = 2.919985580355516 (scipy) for a 90% interval.
        var fit = LinearRegression.Fit([0, 1, 2, 3], [1, 3, 2, 5], confidence: 0.9);
        Assert.Equal(1.1 + (2.919985580355516 * Math.Sqrt(0.27)), fit.SlopeUpper, 9);
    }

    [Fact]
    public void Points_on_a_line_fit_exactly()
    {
        var fit = LinearRegression.Fit([1, 2, 4, 8], [-1, 1, 5, 13]);
        Assert.Equal(2.0, fit.Slope, 12);
        Assert.Equal(-3.0, fit.Intercept, 12);
        Assert.Equal(1.0, fit.RSquared, 12);
        Assert.Equal(0.0, fit.SlopeStandardError, 12);
        Assert.Equal(fit.SlopeLower, fit.SlopeUpper, 12);
    }

    [Fact]
    public void Two_points_have_unbounded_uncertainty_rather_than_nan()
    {
        var fit = LinearRegression.Fit([1, 3], [2, 6]);

        Assert.Equal(2.0, fit.Slope, 12);
        Assert.Equal(0.0, fit.Intercept, 12);
        Assert.Equal(1.0, fit.RSquared, 12);
        Assert.Equal(double.PositiveInfinity, fit.SlopeStandardError);
        Assert.Equal(double.PositiveInfinity, fit.InterceptStandardError);
        Assert.Equal(double.PositiveInfinity, fit.ResidualStandardError);
        Assert.Equal(double.NegativeInfinity, fit.SlopeLower);
        Assert.Equal(double.PositiveInfinity, fit.SlopeUpper);
        Assert.Equal(double.NegativeInfinity, fit.InterceptLower);
        Assert.Equal(double.PositiveInfinity, fit.InterceptUpper);
    }

    [Fact]
    public void A_constant_y_has_r_squared_one_and_zero_slope()
    {
        var fit = LinearRegression.Fit([1, 2, 3], [0.5, 0.5, 0.5]);
        Assert.Equal(0.0, fit.Slope, 15);
        Assert.Equal(1.0, fit.RSquared);
    }

    [Fact]
    public void A_constant_x_is_rejected_under_the_given_field_name()
    {
        var ex = Assert.Throws<ObsValidationException>(() => LinearRegression.Fit([2, 2, 2], [1, 2, 3], field: "log10_flops"));
        Assert.Equal("log10_flops", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void Bad_inputs_are_named()
    {
        var nonFinite = Assert.Throws<ObsValidationException>(() => LinearRegression.Fit([1, double.NaN, 3], [1, 2, double.PositiveInfinity]));
        Assert.Equal(["x[1]", "y[2]"], nonFinite.Violations.Select(v => v.Field).Order());
        Assert.Equal("y", Assert.Single(Assert.Throws<ObsValidationException>(() => LinearRegression.Fit([1, 2], [1])).Violations).Field);
        Assert.Equal("x", Assert.Single(Assert.Throws<ObsValidationException>(() => LinearRegression.Fit([1], [1])).Violations).Field);
        Assert.Equal("confidence", Assert.Single(Assert.Throws<ObsValidationException>(() => LinearRegression.Fit([1, 2, 3], [1, 2, 4], 1.0)).Violations).Field);
    }
}
