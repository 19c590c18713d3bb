using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Tests.Laws;

/// <summary>Agreement with the optima scipy finds for fixed problems (tests/golden/laws_reference.py).</summary>
public class ScipyAgreementTests
{
    public static TheoryData<string> Problems() => [.. LawReferenceProblem.Load().Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Problems))]
    public void Parameters_and_mse_match_the_scipy_optimum(string name)
    {
        var problem = LawReferenceProblem.Named(name);
        var fit = ScalingLawFitter.Fit(problem.X, problem.Y, problem.Options);

        Assert.True(fit.Converged, fit.Message);
        var actual = Parameters(fit);
        Assert.Equal(problem.Expected.Length, actual.Length);
        for (var j = 0; j < actual.Length; j++)
        {
            AssertClose(problem.Expected[j], actual[j], 1e-6, $"{name} p[{j}]");
        }

        AssertClose(problem.ExpectedMse, fit.TrainMse, 1e-9, $"{name} mse");
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void Covariance_matches_the_analytic_reference(string name)
    {
        var problem = LawReferenceProblem.Named(name);
        var fit = ScalingLawFitter.Fit(problem.X, problem.Y, problem.Options);
        AssertMatrixClose(problem.Covariance, fit.Covariance, 1e-5, name);
        if (problem.ScipyCovariance is { } pcov)
        {
            AssertMatrixClose(pcov, fit.Covariance, 1e-5, name + " pcov");
        }
    }

    [Fact]
    public void The_agent_like_floor_sits_on_its_bound_with_zero_variance()
    {
        var problem = LawReferenceProblem.Named("floor_at_bound_agent_like");
        var fit = ScalingLawFitter.Fit(problem.X, problem.Y, problem.Options);
        Assert.Equal(0.0, fit.Floor);
        for (var j = 0; j < 5; j++)
        {
            Assert.Equal(0.0, fit.Covariance[4, j]);
            Assert.Equal(0.0, fit.Covariance[j, 4]);
        }
    }

    [Fact]
    public void The_reference_settings_land_within_their_own_tolerance_of_the_optimum()
    {
        // curve_fit's ftol = 1e-8 stops short of the optimum; the MSE it reaches must still be within ~1e-6.
        foreach (var problem in LawReferenceProblem.Load().Where(p => p.Options.Loss == LossKind.Squared))
        {
            var fit = ScalingLawFitter.Fit(problem.X, problem.Y, problem.Options);
            var referenceMse = Mse(problem, problem.Reference);
            Assert.True(fit.TrainMse <= referenceMse * (1 + 1e-12), $"{problem.Name}: {fit.TrainMse} > {referenceMse}");
            AssertClose(referenceMse, fit.TrainMse, 1e-6, problem.Name);
        }
    }

    internal static double[] Parameters(FittedLaw fit) =>
        fit.Link == LawLink.SigmoidWithFloor ? [fit.Intercept, .. fit.Weights, fit.Floor] : [fit.Intercept, .. fit.Weights];

    private static double Mse(LawReferenceProblem problem, double[] p)
    {
        var law = new FittedLaw
        {
            Link = problem.Options.Link,
            Loss = problem.Options.Loss,
            Intercept = p[0],
            Weights = p[1..(problem.X.GetLength(1) + 1)],
            Floor = problem.Options.Link == LawLink.SigmoidWithFloor ? p[^1] : 0,
            Converged = true,
            Iterations = 0,
            Message = "",
            Residuals = [],
            TrainMse = 0,
            Covariance = new double[0, 0],
        };
        var sse = 0.0;
        for (var i = 0; i < problem.Y.Length; i++)
        {
            var row = Enumerable.Range(0, problem.X.GetLength(1)).Select(j => problem.X[i, j]).ToArray();
            var r = law.Predict(row) - problem.Y[i];
            sse += r * r;
        }

        return sse / problem.Y.Length;
    }

    private static void AssertClose(double expected, double actual, double relative, string what)
    {
        var scale = Math.Max(Math.Abs(expected), 1e-3);
        Assert.True(Math.Abs(expected - actual) <= relative * scale, $"{what}: expected {expected:R}, got {actual:R}");
    }

    private static void AssertMatrixClose(double[,] expected, double[,] actual, double relative, string what)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        var scale = 0.0;
        foreach (var v in expected)
        {
            scale = Math.Max(scale, Math.Abs(v));
        }

        for (var i = 0; i < expected.GetLength(0); i++)
        {
            for (var j = 0; j < expected.GetLength(1); j++)
            {
                Assert.True(Math.Abs(expected[i, j] - actual[i, j]) <= relative * scale, $"{what} [{i},{j}]: expected {expected[i, j]:R}, got {actual[i, j]:R}");
            }
        }
    }
}
