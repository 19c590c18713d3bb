using ObsScaling.Core.Laws;
using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Irt;

/// <summary>
/// Minimises F = ½·Σ_obs (f_b + (1 − f_b)·σ(α_b(C_m − D_b)) − y_mb)² + ½·λ·(Σ C_m² + Σ D_b²) over every C, D and α
/// except the anchor's D (= 0) and α (= 1), by damped Newton steps on the exact Hessian.
/// </summary>
/// <remarks>
/// <para>
/// The Hessian is sparse in a fixed way: a capability C_m touches only itself and the (D, α) of the benchmarks model
/// m took, so the capability block is diagonal and the benchmark block is 2×2 per benchmark. Each step eliminates the
/// capabilities (a Schur complement, as bundle adjustment does with its points) and factors the dense 2(B−1)-square
/// benchmark system that remains; a step costs O(Σ_m n_m² + B³) rather than O((M + 2B)³).
/// </para>
/// <para>
/// Damping is Levenberg–Marquardt's (Nielsen's update, Moré's scaling by the running maximum of the Gauss–Newton
/// diagonal), applied to the exact Hessian rather than JᵀJ: far from the optimum it keeps every system positive
/// definite and every step a descent direction; near it the damping vanishes and the steps become Newton's, which
/// converge quadratically where Gauss–Newton, with residuals as large as the paper's (s ≈ 0.06), would crawl.
/// </para>
/// </remarks>
internal sealed class IrtSolver
{
    /// <summary>Reductions below a few ulps of F are rounding noise, not progress.</summary>
    private const double RoundingReduction = 4 * 2.220446049250313e-16;

    /// <summary>Consecutive rounding-level steps before stopping (the step test cannot be met below rounding).</summary>
    private const int MaxRoundingSteps = 10;

    /// <summary>Alternating logit-scale regressions that make the starting point.</summary>
    private const int StartRounds = 20;

    /// <summary>Floor of a damping scale, for a parameter whose curve is flat at every cell (saturated scores).</summary>
    private const double MinScale = 1e-10;

    private readonly ScoreCells _cells;
    private readonly double _ridge;
    private readonly int _k;
    private readonly int[] _free;
    private readonly double[] _trialC;
    private readonly double[] _trialD;
    private readonly double[] _trialA;
    private readonly double[] _hC;
    private readonly double[] _gC;
    private readonly double[] _sC;
    private readonly double[] _hDD;
    private readonly double[] _hDA;
    private readonly double[] _hAA;
    private readonly double[] _gD;
    private readonly double[] _gA;
    private readonly double[] _sD;
    private readonly double[] _sA;
    private readonly double[] _gnD;
    private readonly double[] _gnA;
    private readonly double[] _crossD;
    private readonly double[] _crossA;
    private readonly double[] _schur;
    private readonly double[] _rhs;
    private readonly double[] _stepC;

    public IrtSolver(ScoreCells cells, double ridge)
    {
        _cells = cells;
        _ridge = ridge;
        var m = cells.ModelCount;
        var b = cells.BenchmarkCount;
        _free = new int[b];
        var next = 0;
        for (var j = 0; j < b; j++)
        {
            _free[j] = j == cells.Anchor ? -1 : 2 * next++;
        }

        _k = 2 * (b - 1);
        Capability = new double[m];
        Difficulty = new double[b];
        Slope = new double[b];
        _trialC = new double[m];
        _trialD = new double[b];
        _trialA = new double[b];
        _hC = new double[m];
        _gC = new double[m];
        _sC = new double[m];
        _hDD = new double[b];
        _hDA = new double[b];
        _hAA = new double[b];
        _gD = new double[b];
        _gA = new double[b];
        _sD = new double[b];
        _sA = new double[b];
        _gnD = new double[b];
        _gnA = new double[b];
        _crossD = new double[cells.CellCount];
        _crossA = new double[cells.CellCount];
        _schur = new double[_k * _k];
        _rhs = new double[_k];
        _stepC = new double[m];
    }

    public double[] Capability { get; }

    public double[] Difficulty { get; }

    public double[] Slope { get; }

    /// <summary>∂²F/∂C_m² at the current point (the ridge included), valid after <see cref="Run"/>.</summary>
    public ReadOnlySpan<double> CapabilityCurvature => _hC;

    public int Iterations { get; private set; }

    /// <summary>Σ residual² at the current point (without the ridge).</summary>
    public double SumOfSquares()
    {
        var sum = 0.0;
        for (var m = 0; m < _cells.ModelCount; m++)
        {
            for (var k = _cells.RowStart[m]; k < _cells.RowStart[m + 1]; k++)
            {
                var r = Residual(k, Capability[m], Difficulty, Slope);
                sum += r * r;
            }
        }

        return sum;
    }

    /// <summary>
    /// The starting point: logits of the floor-adjusted scores (clipped to [0.02, 0.98]) fitted as α_b·C_m + c_b by
    /// alternating least squares, then moved onto the anchor's scale (C → α_A(C − D_A), D → α_A(D − D_A), α → α/α_A).
    /// </summary>
    public void Start()
    {
        var cells = _cells;
        var n = cells.CellCount;
        var z = new double[n];
        for (var k = 0; k < n; k++)
        {
            var f = cells.Floor[cells.Benchmark[k]];
            var p = Math.Clamp((cells.Score[k] - f) / (1 - f), 0.02, 0.98);
            z[k] = Math.Log(p / (1 - p));
        }

        var b = cells.BenchmarkCount;
        var mean = new double[b];
        var square = new double[b];
        for (var k = 0; k < n; k++)
        {
            mean[cells.Benchmark[k]] += z[k];
            square[cells.Benchmark[k]] += z[k] * z[k];
        }

        for (var j = 0; j < b; j++)
        {
            mean[j] /= cells.Counts[j];
            square[j] = Math.Sqrt(Math.Max(square[j] / cells.Counts[j] - (mean[j] * mean[j]), 1e-6));
        }

        var c = Capability;
        for (var m = 0; m < cells.ModelCount; m++)
        {
            var sum = 0.0;
            for (var k = cells.RowStart[m]; k < cells.RowStart[m + 1]; k++)
            {
                sum += (z[k] - mean[cells.Benchmark[k]]) / square[cells.Benchmark[k]];
            }

            c[m] = sum / (cells.RowStart[m + 1] - cells.RowStart[m]);
        }

        var slope = Slope;
        var intercept = new double[b];
        var sx = new double[b];
        var sy = new double[b];
        var sxx = new double[b];
        var sxy = new double[b];
        for (var round = 0; round < StartRounds; round++)
        {
            Array.Clear(sx);
            Array.Clear(sy);
            Array.Clear(sxx);
            Array.Clear(sxy);
            for (var m = 0; m < cells.ModelCount; m++)
            {
                for (var k = cells.RowStart[m]; k < cells.RowStart[m + 1]; k++)
                {
                    var j = cells.Benchmark[k];
                    sx[j] += c[m];
                    sy[j] += z[k];
                    sxx[j] += c[m] * c[m];
                    sxy[j] += c[m] * z[k];
                }
            }

            for (var j = 0; j < b; j++)
            {
                var count = cells.Counts[j];
                var variance = sxx[j] - (sx[j] * sx[j] / count);
                var a = variance > 1e-9 * Math.Max(1, sxx[j]) ? (sxy[j] - (sx[j] * sy[j] / count)) / variance : 1;
                slope[j] = Math.Abs(a) < 0.05 ? (a < 0 ? -0.05 : 0.05) : a;
                intercept[j] = (sy[j] - (slope[j] * sx[j])) / count;
            }

            for (var m = 0; m < cells.ModelCount; m++)
            {
                double num = 0, den = 1e-6;
                for (var k = cells.RowStart[m]; k < cells.RowStart[m + 1]; k++)
                {
                    var j = cells.Benchmark[k];
                    num += slope[j] * (z[k] - intercept[j]);
                    den += slope[j] * slope[j];
                }

                c[m] = num / den;
            }
        }

        var d = Difficulty;
        for (var j = 0; j < b; j++)
        {
            d[j] = -intercept[j] / slope[j];
        }

        var scale = slope[cells.Anchor];
        var origin = d[cells.Anchor];
        for (var m = 0; m < c.Length; m++)
        {
            c[m] = scale * (c[m] - origin);
        }

        for (var j = 0; j < b; j++)
        {
            d[j] = scale * (d[j] - origin);
            slope[j] /= scale;
        }

        d[cells.Anchor] = 0;
        slope[cells.Anchor] = 1;
    }

    /// <summary>Runs damped Newton from the current point until a step is negligible or the budget runs out.</summary>
    public SolverStop Run(int maxIterations, double tolerance, CancellationToken cancellationToken)
    {
        var loss = Objective(Capability, Difficulty, Slope);
        if (!double.IsFinite(loss))
        {
            return SolverStop.NoProgress;
        }

        Array.Clear(_sC);
        Array.Clear(_sD);
        Array.Clear(_sA);
        Derivatives();
        UpdateScaling();
        var lambda = 1e-3;
        var nu = 2.0;
        var roundingSteps = 0;
        Iterations = 0;
        var noiseScale = RoundingReduction * (_cells.CellCount + 1);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Iterations >= maxIterations)
            {
                return SolverStop.IterationLimit;
            }

            if (!(lambda < 1e300))
            {
                return SolverStop.NoProgress;
            }

            Iterations++;
            if (!SolveDamped(lambda))
            {
                lambda *= nu;
                nu *= 2;
                continue;
            }

            var predicted = 0.0;
            var negligible = true;
            for (var m = 0; m < _cells.ModelCount; m++)
            {
                var s = _stepC[m];
                predicted += (-_gC[m] * s) + (lambda * _sC[m] * s * s);
                _trialC[m] = Capability[m] + s;
                negligible &= Math.Abs(s) <= tolerance * (1 + Math.Abs(Capability[m]));
            }

            for (var j = 0; j < _cells.BenchmarkCount; j++)
            {
                var i = _free[j];
                if (i < 0)
                {
                    _trialD[j] = Difficulty[j];
                    _trialA[j] = Slope[j];
                    continue;
                }

                var sd = _rhs[i];
                var sa = _rhs[i + 1];
                predicted += (-_gD[j] * sd) - (_gA[j] * sa) + (lambda * ((_sD[j] * sd * sd) + (_sA[j] * sa * sa)));
                _trialD[j] = Difficulty[j] + sd;
                _trialA[j] = Slope[j] + sa;
                negligible &= Math.Abs(sd) <= tolerance * (1 + Math.Abs(Difficulty[j]))
                    && Math.Abs(sa) <= tolerance * (1 + Math.Abs(Slope[j]));
            }

            // (H + λS)δ = −g gives δᵀHδ = −gᵀδ − λδᵀSδ, so the quadratic model's reduction is ½(−gᵀδ + λδᵀSδ).
            predicted *= 0.5;
            var trialLoss = Objective(_trialC, _trialD, _trialA);
            var actual = loss - trialLoss;
            var noise = noiseScale * loss;
            var atRoundingLevel = predicted <= noise && actual >= -noise;
            if (double.IsFinite(trialLoss) && (actual > 0 || atRoundingLevel))
            {
                _trialC.AsSpan().CopyTo(Capability);
                _trialD.AsSpan().CopyTo(Difficulty);
                _trialA.AsSpan().CopyTo(Slope);
                loss = trialLoss;
                Derivatives();
                UpdateScaling();
                if (negligible && lambda <= 1)
                {
                    return SolverStop.Step;
                }

                if (atRoundingLevel)
                {
                    lambda /= 3;
                    if (++roundingSteps >= MaxRoundingSteps)
                    {
                        return SolverStop.Reduction;
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
            else
            {
                if (negligible && lambda <= 1)
                {
                    return SolverStop.Step;
                }

                lambda *= nu;
                nu *= 2;
            }
        }
    }

    private double Residual(int k, double c, double[] d, double[] a)
    {
        var j = _cells.Benchmark[k];
        var f = _cells.Floor[j];
        return f + ((1 - f) * FittedLaw.Sigmoid(a[j] * (c - d[j]))) - _cells.Score[k];
    }

    private double Objective(double[] c, double[] d, double[] a)
    {
        var sum = 0.0;
        var penalty = 0.0;
        for (var m = 0; m < _cells.ModelCount; m++)
        {
            for (var k = _cells.RowStart[m]; k < _cells.RowStart[m + 1]; k++)
            {
                var r = Residual(k, c[m], d, a);
                sum += r * r;
            }

            penalty += c[m] * c[m];
        }

        for (var j = 0; j < d.Length; j++)
        {
            penalty += d[j] * d[j];
        }

        return 0.5 * (sum + (_ridge * penalty));
    }

    /// <summary>
    /// Gradient and exact Hessian blocks at the current point. Per cell, with z = α(C − D), u = C − D, s₁ = μ′(z),
    /// s₂ = μ″(z), r the residual and ∇z = (α, −α, u) over (C, D, α): ∇(½r²) = r·s₁·∇z and
    /// ∇²(½r²) = (s₁² + r·s₂)·∇z∇zᵀ + r·s₁·∇²z, where ∇²z has 1 at (C, α), −1 at (D, α) and 0 elsewhere.
    /// </summary>
    private void Derivatives()
    {
        var cells = _cells;
        Array.Clear(_hDD);
        Array.Clear(_hDA);
        Array.Clear(_hAA);
        Array.Clear(_gD);
        Array.Clear(_gA);
        Array.Clear(_gnD);
        Array.Clear(_gnA);
        var d = Difficulty;
        var a = Slope;
        for (var m = 0; m < cells.ModelCount; m++)
        {
            var c = Capability[m];
            var hc = _ridge;
            var gc = _ridge * c;
            var gnc = _ridge;
            for (var k = cells.RowStart[m]; k < cells.RowStart[m + 1]; k++)
            {
                var j = cells.Benchmark[k];
                var w = 1 - cells.Floor[j];
                var u = c - d[j];
                var alpha = a[j];
                var e = FittedLaw.Sigmoid(alpha * u);
                var s1 = w * e * (1 - e);
                var s2 = s1 * (1 - (2 * e));
                var r = cells.Floor[j] + (w * e) - cells.Score[k];
                var rs1 = r * s1;
                var t = (s1 * s1) + (r * s2);
                var aa = alpha * alpha;
                gc += rs1 * alpha;
                _gD[j] -= rs1 * alpha;
                _gA[j] += rs1 * u;
                hc += t * aa;
                _hDD[j] += t * aa;
                _hDA[j] -= (t * alpha * u) + rs1;
                _hAA[j] += t * u * u;
                _crossD[k] = -t * aa;
                _crossA[k] = (t * alpha * u) + rs1;
                var gn = s1 * s1;
                gnc += gn * aa;
                _gnD[j] += gn * aa;
                _gnA[j] += gn * u * u;
            }

            _hC[m] = hc;
            _gC[m] = gc;
            _sC[m] = Math.Max(_sC[m], Math.Max(gnc, MinScale));
        }

        for (var j = 0; j < d.Length; j++)
        {
            _hDD[j] += _ridge;
            _gD[j] += _ridge * d[j];
            _gnD[j] += _ridge;
        }
    }

    private void UpdateScaling()
    {
        for (var j = 0; j < _sD.Length; j++)
        {
            _sD[j] = Math.Max(_sD[j], Math.Max(_gnD[j], MinScale));
            _sA[j] = Math.Max(_sA[j], Math.Max(_gnA[j], MinScale));
        }
    }

    /// <summary>
    /// Solves (H + λS)δ = −g by eliminating the capabilities: with H = [[A, B], [Bᵀ, E]] (A diagonal), the benchmark
    /// step solves (E − BᵀA⁻¹B)δβ = −g_β + BᵀA⁻¹g_C and then δC = A⁻¹(−g_C − Bδβ). The benchmark step is left in
    /// <see cref="_rhs"/> (D, α interleaved per free benchmark), the capability step in <see cref="_stepC"/>.
    /// False when the damped system is not positive definite.
    /// </summary>
    private bool SolveDamped(double lambda)
    {
        var cells = _cells;
        var n = _k;
        var s = _schur.AsSpan();
        s.Clear();
        for (var j = 0; j < cells.BenchmarkCount; j++)
        {
            var i = _free[j];
            if (i < 0)
            {
                continue;
            }

            s[(i * n) + i] = _hDD[j] + (lambda * _sD[j]);
            s[((i + 1) * n) + i] = _hDA[j];
            s[((i + 1) * n) + i + 1] = _hAA[j] + (lambda * _sA[j]);
            _rhs[i] = -_gD[j];
            _rhs[i + 1] = -_gA[j];
        }

        for (var m = 0; m < cells.ModelCount; m++)
        {
            var diagonal = _hC[m] + (lambda * _sC[m]);
            if (!(diagonal > 0) || !double.IsFinite(diagonal))
            {
                return false;
            }

            var inverse = 1 / diagonal;
            _stepC[m] = inverse;
            var g = _gC[m] * inverse;
            var start = cells.RowStart[m];
            var end = cells.RowStart[m + 1];
            for (var k = start; k < end; k++)
            {
                var ik = _free[cells.Benchmark[k]];
                if (ik < 0)
                {
                    continue;
                }

                var xd = _crossD[k];
                var xa = _crossA[k];
                _rhs[ik] += xd * g;
                _rhs[ik + 1] += xa * g;
                var wd = xd * inverse;
                var wa = xa * inverse;
                var rowD = ik * n;
                var rowA = rowD + n;

                // Cells of a model are in benchmark order, so every earlier cell's block lies left of this one's.
                for (var l = start; l < k; l++)
                {
                    var il = _free[cells.Benchmark[l]];
                    if (il < 0)
                    {
                        continue;
                    }

                    var yd = _crossD[l];
                    var ya = _crossA[l];
                    s[rowD + il] -= wd * yd;
                    s[rowD + il + 1] -= wd * ya;
                    s[rowA + il] -= wa * yd;
                    s[rowA + il + 1] -= wa * ya;
                }

                s[rowD + ik] -= wd * xd;
                s[rowA + ik] -= wa * xd;
                s[rowA + ik + 1] -= wa * xa;
            }
        }

        if (!Cholesky.Factor(s, n))
        {
            return false;
        }

        Cholesky.Solve(s, n, _rhs);
        for (var m = 0; m < cells.ModelCount; m++)
        {
            var sum = -_gC[m];
            for (var k = cells.RowStart[m]; k < cells.RowStart[m + 1]; k++)
            {
                var i = _free[cells.Benchmark[k]];
                if (i >= 0)
                {
                    sum -= (_crossD[k] * _rhs[i]) + (_crossA[k] * _rhs[i + 1]);
                }
            }

            _stepC[m] *= sum;
        }

        return true;
    }
}
