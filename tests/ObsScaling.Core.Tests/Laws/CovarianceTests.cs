using MathNet.Numerics.LinearAlgebra;
using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Tests.Laws;

public class CovarianceTests
{
    [Theory]
    [InlineData(LawLink.Linear)]
    [InlineData(LawLink.Sigmoid)]
    [InlineData(LawLink.SigmoidWithFloor)]
    public void Covariance_is_s2_times_the_inverse_of_a_finite_difference_JtJ(LawLink link)
    {
        var (x, y) = LawData.Generate(link, 0.1, [0.9, -0.4], link == LawLink.SigmoidWithFloor ? 0.1 : 0, n: 25, noise: 0.02, seed: 8);
        var fit = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = link });
        var p = LawData.Parameters(fit);
        var n = y.Length;
        var m = p.Length;

        var jacobian = Matrix<double>.Build.Dense(n, m);
        for (var j = 0; j < m; j++)
        {
            var h = 1e-6 * Math.Max(1, Math.Abs(p[j]));
            var up = (double[])p.Clone();
            var down = (double[])p.Clone();
            up[j] += h;
            down[j] -= h;
            for (var i = 0; i < n; i++)
            {
                jacobian[i, j] = (Predict(link, up, x, i) - Predict(link, down, x, i)) / (2 * h);
            }
        }

        var sse = fit.Residuals.Sum(r => r * r);
        var expected = (jacobian.TransposeThisAndMultiply(jacobian)).Inverse() * (sse / (n - m));
        for (var a = 0; a < m; a++)
        {
            for (var b = 0; b < m; b++)
            {
                Assert.Equal(expected[a, b], fit.Covariance[a, b], 1e-6 * expected.Enumerate().Max(Math.Abs) + 1e-12);
            }
        }
    }

    [Fact]
    public void With_as_many_models_as_parameters_the_covariance_is_infinite_not_NaN()
    {
        var (x, y) = LawData.Generate(LawLink.SigmoidWithFloor, 0, [1.0], 0.1, n: 3, noise: 0.01, seed: 9);
        var fit = ScalingLawFitter.Fit(x, y, new ScalingLawOptions());
        foreach (var v in fit.Covariance)
        {
            Assert.False(double.IsNaN(v));
        }

        Assert.True(double.IsPositiveInfinity(fit.Covariance[0, 0]));
    }

    [Fact]
    public void A_duplicated_predictor_gives_a_finite_pseudo_inverse_covariance()
    {
        var (x1, y) = LawData.Generate(LawLink.Linear, 0.2, [0.5], 0, n: 20, noise: 0.05, seed: 10);
        var x = new double[20, 2];
        for (var i = 0; i < 20; i++)
        {
            x[i, 0] = x[i, 1] = x1[i, 0];
        }

        var fit = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { Link = LawLink.Linear });
        Assert.Equal(fit.Weights[0], fit.Weights[1], 1e-12);
        Assert.Equal(0.5, fit.Weights[0] + fit.Weights[1], 0.1);
        foreach (var v in fit.Covariance)
        {
            Assert.True(double.IsFinite(v));
        }
    }

    private static double Predict(LawLink link, double[] p, double[,] x, int i)
    {
        var d = x.GetLength(1);
        var law = LawData.Law(link, p[0], p[1..(d + 1)], link == LawLink.SigmoidWithFloor ? p[^1] : 0);
        return law.Predict(LawData.Row(x, i));
    }
}
