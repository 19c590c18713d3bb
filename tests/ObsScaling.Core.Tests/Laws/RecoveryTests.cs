using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Tests.Laws;

public class RecoveryTests
{
    public static TheoryData<LawLink, double, double[], double> Laws() => new()
    {
        { LawLink.Linear, 0.3, [0.08, -0.05, 0.02], 0 },
        { LawLink.Sigmoid, -0.7, [1.3, -0.6, 0.4], 0 },
        { LawLink.SigmoidWithFloor, -0.5, [1.1, -0.6, 0.4], 0.12 },
    };

    [Theory]
    [MemberData(nameof(Laws))]
    public void Noise_free_data_give_back_the_parameters(LawLink link, double c, double[] w, double b)
    {
        var (x, y) = LawData.Generate(link, c, w, b, n: 40, noise: 0, seed: 1);
        var fit = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = link });

        Assert.True(fit.Converged, fit.Message);
        Assert.Equal(c, fit.Intercept, 1e-7);
        for (var j = 0; j < w.Length; j++)
        {
            Assert.Equal(w[j], fit.Weights[j], 1e-7);
        }

        Assert.Equal(b, fit.Floor, 1e-7);
        Assert.True(fit.TrainMse < 1e-20, $"mse {fit.TrainMse}");
    }

    [Theory]
    [MemberData(nameof(Laws))]
    public void Noisy_data_give_parameters_within_a_few_standard_errors(LawLink link, double c, double[] w, double b)
    {
        var (x, y) = LawData.Generate(link, c, w, b, n: 400, noise: 0.02, seed: 2);
        var fit = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = link });

        Assert.True(fit.Converged, fit.Message);
        double[] truth = link == LawLink.SigmoidWithFloor ? [c, .. w, b] : [c, .. w];
        var estimate = LawData.Parameters(fit);
        for (var j = 0; j < truth.Length; j++)
        {
            var se = Math.Sqrt(fit.Covariance[j, j]);
            Assert.True(se > 0 && se < 0.1, $"p[{j}] standard error {se}");
            Assert.True(Math.Abs(estimate[j] - truth[j]) < 4 * se, $"p[{j}] = {estimate[j]} vs {truth[j]} (se {se})");
        }

        Assert.InRange(Math.Sqrt(fit.TrainMse), 0.015, 0.025);
    }

    [Fact]
    public void A_floor_the_data_push_below_zero_stops_at_zero_and_is_treated_as_fixed()
    {
        var (x, y) = LawData.Generate(LawLink.Sigmoid, -1, [1.2, 0.5], 0, n: 40, noise: 0, seed: 3);
        for (var i = 0; i < y.Length; i++)
        {
            // Below the curve at the bottom: the unconstrained optimum has b < 0.
            y[i] = Math.Max(0, y[i] - (0.05 * (1 - y[i])));
        }

        var fit = ScalingLawFitter.Fit(x, y, new ScalingLawOptions());

        Assert.True(fit.Converged, fit.Message);
        Assert.Equal(0.0, fit.Floor);
        Assert.Equal(0.0, fit.Covariance[3, 3]);
        Assert.Equal(0.0, fit.Covariance[0, 3]);
        Assert.True(fit.Covariance[0, 0] > 0);
    }

    [Fact]
    public void A_floor_above_its_limit_stops_at_the_limit()
    {
        var (x, y) = LawData.Generate(LawLink.SigmoidWithFloor, 0, [1.0, -0.5], 0.15, n: 30, noise: 0.005, seed: 4);
        var fit = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { FloorMax = 0.05 });

        Assert.True(fit.Converged, fit.Message);
        Assert.Equal(0.05, fit.Floor);
        Assert.Equal(0.0, fit.Covariance[3, 3]);
    }

    [Fact]
    public void The_winning_fit_is_at_least_as_good_as_the_reference_start_alone()
    {
        var (x, y) = LawData.Generate(LawLink.SigmoidWithFloor, -3, [0.9, 0.3, -0.2], 0.02, n: 20, noise: 0.02, seed: 5, spread: 3);
        var only = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { ExtraStarts = 0 });
        var many = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { ExtraStarts = 6 });
        Assert.True(many.TrainMse <= only.TrainMse * (1 + 1e-12));
    }
}
