using System.Globalization;
using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Laws;

/// <summary>Fits y = link(c + w·x) by bounded Levenberg–Marquardt with an analytic Jacobian and several starts.</summary>
public static class ScalingLawFitter
{
    private const double ScreeningTolerance = 1e-6;

    /// <summary>
    /// Fits on <paramref name="x"/> (n × d predictors) and <paramref name="y"/> (n). NaN/∞ anywhere, a row-count
    /// mismatch, y outside [0, 1] for a sigmoid link or bad options are <see cref="Domain.ObsValidationException"/>s naming
    /// the field; n &lt; d + 2 or a constant target for a sigmoid link are <see cref="Domain.ObsPreconditionException"/>s.
    /// A solver that does not converge returns <see cref="FittedLaw.Converged"/> = false with the reason.
    /// </summary>
    /// <remarks>
    /// Linear + squared loss is closed-form least squares; linear + Huber is IRLS. The sigmoid links run
    /// <see cref="LevenbergMarquardt"/> (direct Huber-LM for the Huber loss) from the reference's p0 and
    /// <see cref="ScalingLawOptions.ExtraStarts"/> more starts, and keep the lowest loss.
    /// </remarks>
    public static FittedLaw Fit(double[,] x, double[] y, ScalingLawOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        options ??= new ScalingLawOptions();
        LawInputValidator.Validate(x, y, options);

        var n = y.Length;
        var d = x.GetLength(1);
        var k = d + 1;
        var design = new double[n * k];
        for (var i = 0; i < n; i++)
        {
            design[i * k] = 1;
            for (var j = 0; j < d; j++)
            {
                design[(i * k) + j + 1] = x[i, j];
            }
        }

        var huberDelta = options.Loss == LossKind.Huber ? options.HuberDelta : double.PositiveInfinity;
        return options.Link == LawLink.Linear
            ? FitLinear(design, k, y, options, huberDelta, cancellationToken)
            : FitSigmoid(design, k, y, options, huberDelta, cancellationToken);
    }

    private static FittedLaw FitLinear(double[] design, int k, double[] y, ScalingLawOptions options, double huberDelta, CancellationToken cancellationToken)
    {
        var p = new double[k];
        var result = LinearLawSolver.Fit(design, k, y, options.Loss, huberDelta, options.MaxIterations, options.Tolerance, p, cancellationToken);
        var residuals = new double[y.Length];
        for (var i = 0; i < y.Length; i++)
        {
            var z = 0.0;
            for (var j = 0; j < k; j++)
            {
                z += p[j] * design[(i * k) + j];
            }

            residuals[i] = z - y[i];
        }

        var message = options.Loss == LossKind.Squared
            ? "closed-form least squares"
            : $"IRLS: {result.Describe()}" + (result.Converged ? "" : $" ({options.MaxIterations} iterations)");
        return Build(options, p, k, hasFloor: false, result, message, residuals, design, new bool[k]);
    }

    private static FittedLaw FitSigmoid(double[] design, int k, double[] y, ScalingLawOptions options, double huberDelta, CancellationToken cancellationToken)
    {
        var hasFloor = options.Link == LawLink.SigmoidWithFloor;
        var m = hasFloor ? k + 1 : k;
        var model = new SigmoidLawModel(design, y, k, hasFloor);
        var solver = new LevenbergMarquardt(y.Length, m);
        var lower = new double[m];
        var upper = new double[m];
        lower.AsSpan().Fill(double.NegativeInfinity);
        upper.AsSpan().Fill(double.PositiveInfinity);
        if (hasFloor)
        {
            lower[k] = 0;
            upper[k] = options.FloorMax;
        }

        var starts = LawStarts.Build(design, k, y, hasFloor, options.FloorMax, options.ExtraStarts);

        // Every start is first run to a loose tolerance, enough to tell basins apart (the loss is then within ~1e-12
        // of its local minimum); only the winner is polished to the requested tolerance. Polishing all of them
        // would cost about half the time again for answers that are discarded.
        var screening = starts.Length > 1 ? Math.Max(options.Tolerance, ScreeningTolerance) : options.Tolerance;
        var p = new double[m];
        var best = new double[m];
        var bestResult = default(LevenbergMarquardtResult);
        var bestStart = -1;
        for (var s = 0; s < starts.Length; s++)
        {
            starts[s].CopyTo(p, 0);
            var result = solver.Minimize(ref model, p, lower, upper, options.MaxIterations, screening, huberDelta, cancellationToken);
            if (bestStart < 0 || IsBetter(result, bestResult))
            {
                p.CopyTo(best, 0);
                bestResult = result;
                bestStart = s;
            }
        }

        if (screening > options.Tolerance)
        {
            var polish = solver.Minimize(ref model, best, lower, upper, options.MaxIterations - bestResult.Iterations, options.Tolerance, huberDelta, cancellationToken);
            bestResult = polish with { Iterations = bestResult.Iterations + polish.Iterations };
        }

        // A gradient-test stop is already at the optimum; a rounding-level stop may sit ~1e-6 short along a weak
        // direction, which a few Newton steps close.
        if (bestResult.Stop == SolverStop.Reduction)
        {
            bestResult = bestResult with { Loss = solver.Polish(ref model, best, lower, upper, huberDelta, 3) };
        }

        var residuals = new double[y.Length];
        model.Residuals(best, residuals);
        var jacobian = new double[y.Length * m];
        model.Jacobian(best, jacobian);
        var fixedAt = new bool[m];
        if (hasFloor)
        {
            // Landing exactly on a bound only happens through the solver's projection, i.e. when the bound is active.
            fixedAt[k] = best[k] <= 0 || best[k] >= options.FloorMax;
        }

        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"{bestResult.Describe()} after {bestResult.Iterations} iterations (start {bestStart + 1} of {starts.Length} had the lowest loss)");
        if (!bestResult.Converged && bestResult.Stop == SolverStop.IterationLimit)
        {
            message += string.Create(CultureInfo.InvariantCulture, $"; limit {options.MaxIterations}");
        }

        return Build(options, best, k, hasFloor, bestResult, message, residuals, jacobian, fixedAt);
    }

    /// <summary>
    /// Lowest loss wins; losses equal to rounding are a tie, broken in favour of a converged run and then the
    /// earlier start, so that the choice does not flip on the last ulp.
    /// </summary>
    private static bool IsBetter(LevenbergMarquardtResult candidate, LevenbergMarquardtResult incumbent)
    {
        var tie = Math.Abs(candidate.Loss - incumbent.Loss) <= 1e-12 * Math.Max(Math.Abs(incumbent.Loss), double.Epsilon);
        if (!tie)
        {
            return candidate.Loss < incumbent.Loss;
        }

        return candidate.Converged && !incumbent.Converged;
    }

    private static FittedLaw Build(ScalingLawOptions options, double[] p, int k, bool hasFloor, LevenbergMarquardtResult result, string message, double[] residuals, double[] jacobian, bool[] fixedAt)
    {
        var m = p.Length;
        var sse = 0.0;
        foreach (var r in residuals)
        {
            sse += r * r;
        }

        return new FittedLaw
        {
            Link = options.Link,
            Loss = options.Loss,
            Intercept = p[0],
            Weights = p[1..k],
            Floor = hasFloor ? p[k] : 0,
            Converged = result.Converged,
            Iterations = result.Iterations,
            Message = message,
            Residuals = residuals,
            TrainMse = sse / residuals.Length,
            Covariance = LawCovariance.Compute(jacobian, residuals, m, fixedAt),
        };
    }
}
