using ObsScaling.Core.Numerics;
using ObsScaling.Core.Tests.Numerics.Nist;

namespace ObsScaling.Core.Tests.Numerics;

/// <summary>
/// <see cref="LevenbergMarquardt"/> on boxes that exclude the unconstrained optimum: the answer must sit exactly on
/// the bound and satisfy the KKT conditions (free gradient components vanish, a bound's component points out of the box).
/// </summary>
public sealed class BoundedLevenbergMarquardtTests
{
    /// <summary>Free components of ∇F = Jᵀr below this cosine with the residual count as zero (MINPACK's gtol).</summary>
    private const double Stationary = 1e-8;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Misra1a_with_b2_capped_below_its_optimum_sits_on_the_cap_with_the_exact_conditional_b1(int start)
    {
        // Unconstrained b2 = 5.5015643181e-4; capping it at 5e-4 leaves b1 linear, so its optimum has a closed form.
        var problem = NistProblems.Misra1a;
        const double cap = 5e-4;
        Assert.True(problem.Certified[1] > cap);
        var (p, result, _) = NistRegressionTests.Solve(problem, problem.Start(start), [0, 0], [1e4, cap]);

        Assert.True(result.Converged, result.Describe());
        Assert.Equal(cap, p[1]);
        double gy = 0, gg = 0;
        for (var i = 0; i < problem.X.Length; i++)
        {
            var g = 1 - Math.Exp(-cap * problem.X[i]);
            gy += g * problem.Y[i];
            gg += g * g;
        }

        Assert.Equal(gy / gg, p[0], 1e-10 * p[0]);
        AssertKkt(problem, p, [0, 0], [1e4, cap]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Rat43_with_b4_floored_above_its_optimum_sits_on_the_floor_and_satisfies_KKT(int start)
    {
        // Unconstrained b4 = 1.2792483859; the floor 1.5 binds, and the other three parameters stay free.
        var problem = NistProblems.Rat43;
        double[] lower = [double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, 1.5];
        double[] upper = [double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, 10];
        Assert.True(problem.Certified[3] < lower[3]);
        var (p, result, rss) = NistRegressionTests.Solve(problem, problem.Start(start), lower, upper);

        Assert.True(result.Converged, result.Describe());
        Assert.Equal(1.5, p[3]);
        Assert.True(rss > problem.CertifiedResidualSumOfSquares);
        AssertKkt(problem, p, lower, upper);

        // The same answer as solving the three-parameter problem with b4 fixed at 1.5 (lower = upper pins it).
        double[] pinnedLower = [.. lower[..3], 1.5];
        double[] pinnedUpper = [.. upper[..3], 1.5];
        var (pinned, _, pinnedRss) = NistRegressionTests.Solve(problem, problem.Start2, pinnedLower, pinnedUpper);
        for (var j = 0; j < 3; j++)
        {
            Assert.Equal(pinned[j], p[j], 1e-8 * Math.Abs(pinned[j]));
        }

        Assert.Equal(pinnedRss, rss, 1e-10 * rss);
    }

    [Fact]
    public void Two_bounds_binding_at_once_on_MGH09_satisfy_KKT()
    {
        // Certified (0.1928, 0.1913, 0.1231, 0.1361): cap b1 and floor b3 together.
        var problem = NistProblems.MGH09;
        double[] lower = [0, -1, 0.2, -1];
        double[] upper = [0.15, 1, 1, 1];
        var (p, result, _) = NistRegressionTests.Solve(problem, problem.Start2, lower, upper);

        Assert.True(result.Converged, result.Describe());
        var active = Enumerable.Range(0, 4).Count(j => p[j] == lower[j] || p[j] == upper[j]);
        Assert.True(active >= 1, $"no bound active at {string.Join(", ", p)}");
        AssertKkt(problem, p, lower, upper);
    }

    private static void AssertKkt(NistProblem problem, double[] p, double[] lower, double[] upper)
    {
        var model = new NistLeastSquares(problem);
        var n = problem.Y.Length;
        var m = problem.ParameterCount;
        var r = new double[n];
        var jacobian = new double[n * m];
        model.Residuals(p, r);
        model.Jacobian(p, jacobian);
        var rr = r.Sum(v => v * v);
        for (var j = 0; j < m; j++)
        {
            double g = 0, column = 0;
            for (var i = 0; i < n; i++)
            {
                g += jacobian[(i * m) + j] * r[i];
                column += jacobian[(i * m) + j] * jacobian[(i * m) + j];
            }

            Assert.InRange(p[j], lower[j], upper[j]);
            if (p[j] == lower[j])
            {
                Assert.True(g >= 0, $"b{j + 1} on its lower bound with ∂F/∂b = {g:E3}: moving inward would descend");
            }
            else if (p[j] == upper[j])
            {
                Assert.True(g <= 0, $"b{j + 1} on its upper bound with ∂F/∂b = {g:E3}: moving inward would descend");
            }
            else
            {
                var cosine = Math.Abs(g) / Math.Sqrt(column * rr);
                Assert.True(cosine <= Stationary, $"free b{j + 1}: gradient cosine {cosine:E3}");
            }
        }
    }
}
