namespace ObsScaling.Core.Numerics;

/// <summary>
/// Box-bounded Levenberg–Marquardt for small dense problems, minimising F(p) = Σ ρ(r_i(p)) with ρ the squared loss ½r²
/// or the Huber loss. One instance owns every buffer for a given problem size, so repeated runs (several starting
/// points, many refits) do not allocate.
/// </summary>
/// <remarks>
/// <para>
/// Damping follows Nielsen (1999): λ shrinks by max(1/3, 1 − (2ϱ − 1)³) after a step with gain ratio ϱ &gt; 0 and
/// grows by ν = 2, 4, 8… after a rejected one. The damping matrix is Moré's: the running maximum of diag(H), which
/// makes the iterates invariant to rescaling a predictor.
/// </para>
/// <para>
/// Huber is handled by a direct Huber-LM rather than an outer IRLS loop: the step solves (JᵀWJ + λD)δ = −Jᵀψ(r) with
/// the IRLS weights W = diag(ψ(r)/r) as curvature, while the gain ratio and acceptance use the true Huber objective.
/// A stationary point is therefore a stationary point of Σ ρ, not of a frozen weighted least-squares problem.
/// </para>
/// <para>
/// Bounds use an active set plus projection: a parameter sitting on a bound whose gradient points outward is
/// held fixed for that iteration; the step of the free parameters is clipped to the box and judged by the
/// quadratic model's prediction for the clipped step.
/// </para>
/// </remarks>
internal sealed class LevenbergMarquardt
{
    /// <summary>Reductions below a few ulps of F are rounding noise, not progress.</summary>
    private const double RoundingReduction = 4 * 2.220446049250313e-16;

    private const double InitialDamping = 1e-3;

    /// <summary>
    /// Consecutive steps whose effect on F is rounding noise before giving up on the gradient and step tests
    /// (ill-conditioned problems, where the solve's own rounding keeps both above tolerance).
    /// </summary>
    private const int MaxRoundingSteps = 10;

    private readonly int _n;
    private readonly int _m;
    private readonly double[] _residuals;
    private readonly double[] _trialResiduals;
    private readonly double[] _weights;
    private readonly double[] _jacobian;
    private readonly double[] _normal;
    private readonly double[] _gradient;
    private readonly double[] _scaling;
    private readonly double[] _factor;
    private readonly double[] _step;
    private readonly double[] _trial;
    private readonly int[] _free;

    public LevenbergMarquardt(int residualCount, int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(residualCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameterCount);
        _n = residualCount;
        _m = parameterCount;
        _residuals = new double[_n];
        _trialResiduals = new double[_n];
        _weights = new double[_n];
        _jacobian = new double[_n * _m];
        _normal = new double[_m * _m];
        _gradient = new double[_m];
        _scaling = new double[_m];
        _factor = new double[_m * _m];
        _step = new double[_m];
        _trial = new double[_m];
        _free = new int[_m];
    }

    /// <summary>
    /// Minimises from the starting point in <paramref name="p"/> (first projected into the box) and leaves the
    /// best point found there. Cancellation is checked once per iteration.
    /// </summary>
    /// <param name="huberDelta">Huber threshold δ; <see cref="double.PositiveInfinity"/> for squared loss.</param>
    public LevenbergMarquardtResult Minimize<TModel>(
        ref TModel model,
        Span<double> p,
        ReadOnlySpan<double> lower,
        ReadOnlySpan<double> upper,
        int maxIterations,
        double tolerance,
        double huberDelta,
        CancellationToken cancellationToken)
        where TModel : struct, ILeastSquaresModel
    {
        if (model.ResidualCount != _n || model.ParameterCount != _m || p.Length != _m || lower.Length != _m || upper.Length != _m)
        {
            throw new ArgumentException("Problem size does not match the solver's workspace.", nameof(model));
        }

        for (var j = 0; j < _m; j++)
        {
            p[j] = Math.Clamp(p[j], lower[j], upper[j]);
        }

        model.Residuals(p, _residuals);
        var loss = Loss(_residuals, huberDelta);
        if (!double.IsFinite(loss))
        {
            return new LevenbergMarquardtResult(double.PositiveInfinity, 0, SolverStop.NoProgress);
        }

        model.Jacobian(p, _jacobian);
        var weightedSquares = BuildNormalEquations(huberDelta);
        Array.Clear(_scaling);
        UpdateScaling();

        var lambda = InitialDamping;
        var nu = 2.0;
        var iterations = 0;
        var roundingSteps = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var freeCount = SelectFree(p, lower, upper);
            if (GradientIsNegligible(freeCount, weightedSquares, tolerance))
            {
                return new LevenbergMarquardtResult(loss, iterations, SolverStop.Gradient);
            }

            if (iterations >= maxIterations)
            {
                return new LevenbergMarquardtResult(loss, iterations, SolverStop.IterationLimit);
            }

            if (!(lambda < 1e300))
            {
                return new LevenbergMarquardtResult(loss, iterations, SolverStop.NoProgress);
            }

            iterations++;
            if (!SolveDampedStep(freeCount, lambda))
            {
                lambda *= nu;
                nu *= 2;
                continue;
            }

            // Tested on the unclipped step: clipping can shorten a step that is still far from negligible.
            var negligibleStep = true;
            for (var f = 0; f < freeCount; f++)
            {
                var j = _free[f];
                negligibleStep &= Math.Abs(_step[f]) <= tolerance * (Math.Abs(p[j]) + tolerance);
            }

            p.CopyTo(_trial);
            for (var f = 0; f < freeCount; f++)
            {
                var j = _free[f];
                _trial[j] = Math.Clamp(p[j] + _step[f], lower[j], upper[j]);
            }

            var predicted = PredictedReduction(p, freeCount);
            var noise = RoundingReduction * (_n + 1) * loss;
            var accepted = false;
            if (predicted > 0)
            {
                model.Residuals(_trial, _trialResiduals);
                var trialLoss = Loss(_trialResiduals, huberDelta);
                var actual = loss - trialLoss;

                // Near the optimum the change in F drops below the rounding error of summing it while the
                // Gauss–Newton step is still meaningful (it comes from the gradient, which is accurate to far
                // smaller changes). Such steps are taken on the model's word instead of being rejected, otherwise
                // the damping would blow up and stop the solver ~1e-9 short of the optimum.
                var atRoundingLevel = predicted <= noise && actual >= -noise;
                if (double.IsFinite(trialLoss) && (actual > 0 || atRoundingLevel))
                {
                    accepted = true;
                    _trial.AsSpan().CopyTo(p);
                    _trialResiduals.AsSpan().CopyTo(_residuals);
                    loss = trialLoss;
                    model.Jacobian(p, _jacobian);
                    weightedSquares = BuildNormalEquations(huberDelta);
                    UpdateScaling();
                    if (atRoundingLevel)
                    {
                        lambda /= 3;
                        if (++roundingSteps >= MaxRoundingSteps)
                        {
                            return new LevenbergMarquardtResult(loss, iterations, SolverStop.Reduction);
                        }
                    }
                    else
                    {
                        var t = (2 * (actual / predicted)) - 1;
                        lambda *= Math.Max(1.0 / 3.0, 1 - (t * t * t));
                        roundingSteps = 0;
                    }

                    nu = 2;
                }
            }

            if (!accepted)
            {
                lambda *= nu;
                nu *= 2;
            }

            if (negligibleStep)
            {
                return new LevenbergMarquardtResult(loss, iterations, SolverStop.Step);
            }
        }
    }

    /// <summary>Σ ρ(r_i).</summary>
    public static double Loss(ReadOnlySpan<double> residuals, double huberDelta)
    {
        var sum = 0.0;
        if (double.IsPositiveInfinity(huberDelta))
        {
            foreach (var r in residuals)
            {
                sum += r * r;
            }

            return 0.5 * sum;
        }

        foreach (var r in residuals)
        {
            var a = Math.Abs(r);
            sum += a <= huberDelta ? 0.5 * r * r : huberDelta * (a - (0.5 * huberDelta));
        }

        return sum;
    }

    /// <summary>
    /// Newton steps on the free parameters after convergence, each kept only if it shrinks the free gradient.
    /// Near the optimum F is flat to rounding, so LM's loss-based acceptance can stop ~1e-6 short in a weakly
    /// determined direction, and Gauss–Newton alone does not converge there when the residual curvature exceeds
    /// that direction's JᵀJ eigenvalue. The Hessian here is the central difference of the analytic gradient.
    /// </summary>
    /// <returns>The loss at the polished point.</returns>
    public double Polish<TModel>(ref TModel model, Span<double> p, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, double huberDelta, int maxSteps)
        where TModel : struct, ILeastSquaresModel
    {
        var g = new double[_m];
        var gPlus = new double[_m];
        var gMinus = new double[_m];
        var x = new double[_m];
        var hessian = new double[_m * _m];
        var delta = new double[_m];
        p.CopyTo(x);
        Gradient(ref model, x, huberDelta, g);
        var freeCount = SelectFree(p, lower, upper);
        var norm = FreeNorm(g, freeCount);
        for (var step = 0; step < maxSteps && norm > 0; step++)
        {
            for (var f = 0; f < freeCount; f++)
            {
                var j = _free[f];
                var h = 1e-5 * (Math.Abs(p[j]) + 1e-2);
                p.CopyTo(x);
                x[j] = p[j] + h;
                Gradient(ref model, x, huberDelta, gPlus);
                x[j] = p[j] - h;
                Gradient(ref model, x, huberDelta, gMinus);
                for (var e = 0; e < freeCount; e++)
                {
                    var k = _free[e];
                    hessian[(e * freeCount) + f] = (gPlus[k] - gMinus[k]) / (2 * h);
                }
            }

            for (var f = 0; f < freeCount; f++)
            {
                for (var e = 0; e < f; e++)
                {
                    var avg = 0.5 * (hessian[(f * freeCount) + e] + hessian[(e * freeCount) + f]);
                    hessian[(f * freeCount) + e] = avg;
                    hessian[(e * freeCount) + f] = avg;
                }

                delta[f] = -g[_free[f]];
            }

            var a = hessian.AsSpan(0, freeCount * freeCount);
            if (!Cholesky.Factor(a, freeCount))
            {
                break;
            }

            Cholesky.Solve(a, freeCount, delta.AsSpan(0, freeCount));
            p.CopyTo(x);
            for (var f = 0; f < freeCount; f++)
            {
                var j = _free[f];
                x[j] = Math.Clamp(p[j] + delta[f], lower[j], upper[j]);
            }

            Gradient(ref model, x, huberDelta, gPlus);
            var trialNorm = FreeNorm(gPlus, freeCount);
            if (!(trialNorm < norm))
            {
                break;
            }

            x.AsSpan().CopyTo(p);
            gPlus.AsSpan().CopyTo(g);
            norm = trialNorm;
        }

        model.Residuals(p, _residuals);
        return Loss(_residuals, huberDelta);
    }

    private void Gradient<TModel>(ref TModel model, ReadOnlySpan<double> p, double huberDelta, Span<double> into)
        where TModel : struct, ILeastSquaresModel
    {
        model.Residuals(p, _residuals);
        model.Jacobian(p, _jacobian);
        BuildNormalEquations(huberDelta);
        _gradient.AsSpan().CopyTo(into);
    }

    private double FreeNorm(ReadOnlySpan<double> g, int freeCount)
    {
        var sum = 0.0;
        for (var f = 0; f < freeCount; f++)
        {
            var v = g[_free[f]];
            sum += v * v;
        }

        return Math.Sqrt(sum);
    }

    /// <summary>Fills H = JᵀWJ and g = JᵀWr (= Jᵀψ(r)); returns rᵀWr for the gradient test.</summary>
    private double BuildNormalEquations(double huberDelta)
    {
        var m = _m;
        var h = _normal.AsSpan();
        var g = _gradient.AsSpan();
        var weights = _weights.AsSpan(0, _n);
        var residuals = _residuals.AsSpan(0, _n);
        var jac = _jacobian.AsSpan();
        h.Clear();
        g.Clear();
        var weightedSquares = 0.0;
        for (var i = 0; i < residuals.Length; i++)
        {
            var r = residuals[i];
            var a = Math.Abs(r);
            var w = a <= huberDelta ? 1.0 : huberDelta / a;
            weights[i] = w;
            weightedSquares += w * r * r;
            var row = jac.Slice(i * m, m);
            for (var j = 0; j < row.Length; j++)
            {
                var wj = w * row[j];
                g[j] += wj * r;
                var offset = j * m;
                for (var k = 0; k <= j; k++)
                {
                    h[offset + k] += wj * row[k];
                }
            }
        }

        for (var j = 0; j < m; j++)
        {
            for (var k = 0; k < j; k++)
            {
                h[(k * m) + j] = h[(j * m) + k];
            }
        }

        return weightedSquares;
    }

    private void UpdateScaling()
    {
        for (var j = 0; j < _m; j++)
        {
            _scaling[j] = Math.Max(_scaling[j], _normal[(j * _m) + j]);
        }
    }

    private int SelectFree(ReadOnlySpan<double> p, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        var count = 0;
        for (var j = 0; j < _m; j++)
        {
            var g = _gradient[j];
            var pinned = lower[j] == upper[j]
                || (p[j] <= lower[j] && g >= 0)
                || (p[j] >= upper[j] && g <= 0);
            if (!pinned)
            {
                _free[count++] = j;
            }
        }

        return count;
    }

    /// <summary>
    /// MINPACK's gtol test in the W-metric: the cosine between each free Jacobian column and the weighted residual
    /// vector. Scale-free, and exactly zero at an exact fit.
    /// </summary>
    private bool GradientIsNegligible(int freeCount, double weightedSquares, double tolerance)
    {
        for (var f = 0; f < freeCount; f++)
        {
            var j = _free[f];
            var g = Math.Abs(_gradient[j]);
            if (g > tolerance * Math.Sqrt(_normal[(j * _m) + j] * weightedSquares))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Solves (H_ff + λD_ff)·δ = −g_f for the free parameters into <c>_step[0..freeCount)</c>.</summary>
    private bool SolveDampedStep(int freeCount, double lambda)
    {
        var largest = 0.0;
        for (var j = 0; j < _m; j++)
        {
            largest = Math.Max(largest, _scaling[j]);
        }

        // A column that has been zero everywhere so far still needs some damping to keep the system definite.
        var floor = largest > 0 ? largest * 2.220446049250313e-16 : 1.0;
        var a = _factor.AsSpan(0, freeCount * freeCount);
        for (var f = 0; f < freeCount; f++)
        {
            var j = _free[f];
            for (var e = 0; e <= f; e++)
            {
                a[(f * freeCount) + e] = _normal[(j * _m) + _free[e]];
            }

            a[(f * freeCount) + f] += lambda * Math.Max(_scaling[j], floor);
            _step[f] = -_gradient[j];
        }

        if (!Cholesky.Factor(a, freeCount))
        {
            return false;
        }

        Cholesky.Solve(a, freeCount, _step.AsSpan(0, freeCount));
        return true;
    }

    /// <summary>−(gᵀδ + ½δᵀHδ) for the clipped step δ = trial − p, which is zero outside the free set.</summary>
    private double PredictedReduction(ReadOnlySpan<double> p, int freeCount)
    {
        var linear = 0.0;
        var quadratic = 0.0;
        for (var f = 0; f < freeCount; f++)
        {
            var j = _free[f];
            var dj = _trial[j] - p[j];
            linear += _gradient[j] * dj;
            var row = 0.0;
            for (var e = 0; e < freeCount; e++)
            {
                var k = _free[e];
                row += _normal[(j * _m) + k] * (_trial[k] - p[k]);
            }

            quadratic += dj * row;
        }

        return -(linear + (0.5 * quadratic));
    }
}
