using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Tests.Laws;

public class RobustLossTests
{
    [Theory]
    [InlineData(LawLink.Linear)]
    [InlineData(LawLink.Sigmoid)]
    [InlineData(LawLink.SigmoidWithFloor)]
    public void Huber_is_pulled_less_by_an_outlier_than_squared_loss(LawLink link)
    {
        double[] w = [1.0, -0.5];
        var (x, y) = LawData.Generate(link, 0.2, w, link == LawLink.SigmoidWithFloor ? 0.1 : 0, n: 30, noise: 0.005, seed: 6);
        var outlier = Enumerable.Range(0, y.Length).OrderBy(i => Math.Abs(y[i] - 0.5)).First();
        y[outlier] = y[outlier] > 0.5 ? 0.0 : 1.0;

        var squared = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = link });
        var huber = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = link, Loss = LossKind.Huber, HuberDelta = 0.02 });

        Assert.True(huber.Converged, huber.Message);
        Assert.True(Error(huber, w) < 0.5 * Error(squared, w), $"huber {Error(huber, w)} vs squared {Error(squared, w)}");
        Assert.True(Math.Abs(huber.Residuals[outlier]) > Math.Abs(squared.Residuals[outlier]));
    }

    [Fact]
    public void Huber_with_a_threshold_above_every_residual_is_least_squares()
    {
        var (x, y) = LawData.Generate(LawLink.SigmoidWithFloor, -0.3, [0.9, 0.4], 0.05, n: 25, noise: 0.02, seed: 7);
        var squared = ScalingLawFitter.Fit(x, y, new ScalingLawOptions());
        var huber = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Loss = LossKind.Huber, HuberDelta = 1.0 });
        var a = LawData.Parameters(squared);
        var b = LawData.Parameters(huber);
        for (var j = 0; j < a.Length; j++)
        {
            Assert.Equal(a[j], b[j], 1e-9);
        }
    }

    private static double Error(FittedLaw fit, double[] w) => Math.Abs(fit.Weights[0] - w[0]) + Math.Abs(fit.Weights[1] - w[1]);
}
