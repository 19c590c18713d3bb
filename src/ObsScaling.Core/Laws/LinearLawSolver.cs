using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Laws;

/// <summary>The linear link: closed-form least squares, or Huber by iteratively reweighted least squares.</summary>
internal static class LinearLawSolver
{
    /// <summary>
    /// Parameters [c, w] into <paramref name="p"/>. Huber uses IRLS with weights min(1, δ/|r|) and a fixed scale of 1,
    /// i.e. it minimises Σ ρ_δ(ŷ − y) exactly as written (statsmodels' RLM would instead rescale residuals by a MAD
    /// estimate first). IRLS is a majorise–minimise scheme for this objective, so the loss never increases.
    /// </summary>
    public static LevenbergMarquardtResult Fit(double[] design, int k, double[] y, LossKind loss, double huberDelta, int maxIterations, double tolerance, Span<double> p, CancellationToken cancellationToken)
    {
        WeightedLeastSquares.Solve(design, k, y, default, p);
        var residuals = new double[y.Length];
        Residuals(design, k, y, p, residuals);
        if (loss == LossKind.Squared)
        {
            return new LevenbergMarquardtResult(LevenbergMarquardt.Loss(residuals, double.PositiveInfinity), 0, SolverStop.Gradient);
        }

        var weights = new double[y.Length];
        var next = new double[k];
        var current = LevenbergMarquardt.Loss(residuals, huberDelta);
        var stalled = 0;
        for (var iteration = 1; iteration <= maxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < y.Length; i++)
            {
                var a = Math.Abs(residuals[i]);
                weights[i] = a <= huberDelta ? 1.0 : huberDelta / a;
            }

            if (GradientIsNegligible(design, k, residuals, weights, tolerance))
            {
                return new LevenbergMarquardtResult(current, iteration - 1, SolverStop.Gradient);
            }

            WeightedLeastSquares.Solve(design, k, y, weights, next);
            var negligibleStep = true;
            for (var j = 0; j < k; j++)
            {
                negligibleStep &= Math.Abs(next[j] - p[j]) <= tolerance * (Math.Abs(p[j]) + tolerance);
            }

            next.CopyTo(p);
            Residuals(design, k, y, p, residuals);
            var updated = LevenbergMarquardt.Loss(residuals, huberDelta);
            var reduction = current - updated;
            current = updated;
            if (negligibleStep)
            {
                return new LevenbergMarquardtResult(current, iteration, SolverStop.Step);
            }

            // IRLS never increases the loss; a run of changes at rounding level means the solve's own rounding
            // keeps the gradient and step tests from passing (an ill-conditioned design).
            stalled = Math.Abs(reduction) <= 4 * 2.220446049250313e-16 * (y.Length + 1) * current ? stalled + 1 : 0;
            if (stalled >= 10)
            {
                return new LevenbergMarquardtResult(current, iteration, SolverStop.Reduction);
            }
        }

        return new LevenbergMarquardtResult(current, maxIterations, SolverStop.IterationLimit);
    }

    /// <summary>The LM solver's cosine test with J = X: |Σ w_i r_i x_ij| ≤ tol·√(Σ w_i x_ij² · Σ w_i r_i²).</summary>
    private static bool GradientIsNegligible(double[] design, int k, double[] residuals, double[] weights, double tolerance)
    {
        var weightedSquares = 0.0;
        for (var i = 0; i < residuals.Length; i++)
        {
            weightedSquares += weights[i] * residuals[i] * residuals[i];
        }

        for (var j = 0; j < k; j++)
        {
            double g = 0, h = 0;
            for (var i = 0; i < residuals.Length; i++)
            {
                var wx = weights[i] * design[(i * k) + j];
                g += wx * residuals[i];
                h += wx * design[(i * k) + j];
            }

            if (Math.Abs(g) > tolerance * Math.Sqrt(h * weightedSquares))
            {
                return false;
            }
        }

        return true;
    }

    private static void Residuals(double[] design, int k, double[] y, ReadOnlySpan<double> p, Span<double> residuals)
    {
        for (var i = 0; i < y.Length; i++)
        {
            var z = 0.0;
            for (var j = 0; j < k; j++)
            {
                z += p[j] * design[(i * k) + j];
            }

            residuals[i] = z - y[i];
        }
    }
}
