using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Tests.Laws;

public class SolverBehaviourTests
{
    [Fact]
    public void Hitting_the_iteration_limit_reports_not_converged_without_NaN()
    {
        var (x, y) = LawData.Generate(LawLink.SigmoidWithFloor, -1, [1.5, -0.7], 0.1, n: 30, noise: 0.02, seed: 13);
        var fit = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { MaxIterations = 2 });

        Assert.False(fit.Converged);
        Assert.Contains("iteration limit", fit.Message, StringComparison.Ordinal);
        Assert.Equal(2, fit.Iterations);
        AssertNoNaN(fit);
    }

    [Fact]
    public void Separable_zero_one_data_do_not_produce_NaN()
    {
        // A step: the least-squares sigmoid steepens without bound, so there is no finite optimum.
        var x = new double[12, 1];
        var y = new double[12];
        for (var i = 0; i < 12; i++)
        {
            x[i, 0] = i - 5.5;
            y[i] = i < 6 ? 0 : 1;
        }

        foreach (var link in new[] { LawLink.Sigmoid, LawLink.SigmoidWithFloor })
        {
            var fit = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = link });
            AssertNoNaN(fit);
            Assert.True(fit.TrainMse < 1e-6);
        }
    }

    [Fact]
    public void A_cancelled_token_stops_the_fit()
    {
        var (x, y) = LawData.Generate(LawLink.SigmoidWithFloor, 0, [1.0], 0.1, n: 10, noise: 0.01, seed: 14);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => ScalingLawFitter.Fit(x, y, null, cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = LawLink.Linear, Loss = LossKind.Huber, HuberDelta = 0.001 }, cts.Token));
    }

    [Fact]
    public void The_reported_residuals_and_mse_are_those_of_the_returned_law()
    {
        var (x, y) = LawData.Generate(LawLink.SigmoidWithFloor, 0.3, [0.8, 0.3], 0.05, n: 20, noise: 0.03, seed: 15);
        var fit = ScalingLawFitter.Fit(x, y);
        for (var i = 0; i < y.Length; i++)
        {
            Assert.Equal(fit.Predict(LawData.Row(x, i)) - y[i], fit.Residuals[i], 1e-15);
        }

        Assert.Equal(fit.Residuals.Average(r => r * r), fit.TrainMse, 1e-15);
    }

    private static void AssertNoNaN(FittedLaw fit)
    {
        Assert.False(double.IsNaN(fit.Intercept) || double.IsNaN(fit.Floor) || double.IsNaN(fit.TrainMse));
        Assert.DoesNotContain(fit.Weights, double.IsNaN);
        Assert.DoesNotContain(fit.Residuals, double.IsNaN);
        foreach (var v in fit.Covariance)
        {
            Assert.False(double.IsNaN(v));
        }
    }
}
