using System.Globalization;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Irt;

/// <summary>
/// A one-dimensional item-response capability model in the manner of Epoch's Capabilities Index (Ho et al., "A Rosetta
/// Stone for AI Benchmarks", arXiv 2512.00193; docs/method.md §13): a capability C_m per model and a difficulty D_b
/// and slope α_b per benchmark with score_mb ≈ f_b + (1 − f_b)·σ(α_b·(C_m − D_b)), fitted on the observed cells of a
/// sparse score matrix (a missing score is left out, never imputed).
/// </summary>
/// <remarks>
/// <para>
/// Loss: least squares on the score scale plus a small ridge, ½·Σ_obs r² + ½·λ·(Σ C_m² + Σ D_b²)
/// (<see cref="IrtOptions.Ridge"/>). Scale: the anchor benchmark's D is 0 and α is 1 (<see cref="Anchor"/>), which
/// fixes the two degrees of freedom C → a·C + c leaves free.
/// </para>
/// <para>
/// Standard errors (<see cref="CapabilityEstimate.StandardError"/>): s²/h per model, where
/// s² = Σ r²/(N − P) over the N scores and P = M + 2(B − 1) parameters, and h = ∂²F/∂C_m² with every benchmark
/// parameter held at its estimate. <see cref="Estimate"/> gives a new model the same kind of estimate from any subset
/// of the benchmarks, which is how a forecast places a model that was not in the fit.
/// </para>
/// </remarks>
public sealed class ItemResponseModel
{
    private readonly Dictionary<string, int> _index;

    private ItemResponseModel(IReadOnlyList<BenchmarkItem> benchmarks, IReadOnlyList<CapabilityEstimate> capabilities, double residualVariance, double ridge)
    {
        Benchmarks = benchmarks;
        Capabilities = capabilities;
        ResidualVariance = residualVariance;
        Ridge = ridge;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var b = 0; b < benchmarks.Count; b++)
        {
            _index[benchmarks[b].Name] = b;
        }

        Anchor = benchmarks.FirstOrDefault(b => b.IsAnchor)?.Name;
    }

    /// <summary>The benchmarks' fitted parameters, in the order given to <see cref="Fit"/>.</summary>
    public IReadOnlyList<BenchmarkItem> Benchmarks { get; }

    /// <summary>The fitted models' capabilities, in input order; empty for a model made by <see cref="Restore"/>.</summary>
    public IReadOnlyList<CapabilityEstimate> Capabilities { get; }

    /// <summary>Name of the anchor benchmark (D = 0, α = 1); null when restored items mark none.</summary>
    public string? Anchor { get; }

    /// <summary>s² = Σ r²/(N − P), the variance of a score around its expected value.</summary>
    public double ResidualVariance { get; }

    /// <summary>λ the fit used; <see cref="Estimate"/> applies the same ridge to a new model's capability.</summary>
    public double Ridge { get; }

    /// <summary>Σ r² over the observed scores at the solution (the ridge term not included).</summary>
    public double SumOfSquares { get; private init; }

    /// <summary>N, the observed scores the fit used.</summary>
    public int ScoreCount { get; private init; }

    /// <summary>P = models + 2·(benchmarks − 1).</summary>
    public int ParameterCount { get; private init; }

    public int Iterations { get; private init; }

    /// <summary>True when the solver stopped on a negligible Newton step (or at rounding level), not on its budget.</summary>
    public bool Converged { get; private init; }

    /// <summary>
    /// Fits the model to <paramref name="models"/>' scores on <paramref name="benchmarks"/> (scores on other metrics
    /// are ignored; the benchmarks' <see cref="MetricInfo.Chance"/> is the floor when
    /// <see cref="IrtOptions.ChanceFloors"/> is set). Throws <see cref="ObsValidationException"/> naming field and
    /// value for a non-finite score or one outside [0, 1], an unknown anchor or a bad option, and its subtype
    /// <see cref="ObsPreconditionException"/> for a benchmark with fewer than 2 scores, a model with none, or no more
    /// scores than parameters.
    /// </summary>
    public static ItemResponseModel Fit(IReadOnlyList<ModelRecord> models, IReadOnlyList<MetricInfo> benchmarks, IrtOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new IrtOptions();
        var cells = ScoreCells.Build(models, benchmarks, options);
        var solver = new IrtSolver(cells, options.Ridge);
        solver.Start();
        var stop = solver.Run(options.MaxIterations, options.Tolerance, cancellationToken);
        var sse = solver.SumOfSquares();
        var variance = sse / (cells.CellCount - cells.ParameterCount);
        var curvature = solver.CapabilityCurvature;
        var capabilities = new CapabilityEstimate[cells.ModelCount];
        for (var m = 0; m < capabilities.Length; m++)
        {
            capabilities[m] = new CapabilityEstimate(cells.Models[m], solver.Capability[m], StandardError(variance, curvature[m]), cells.RowStart[m + 1] - cells.RowStart[m]);
        }

        var items = new BenchmarkItem[cells.BenchmarkCount];
        for (var b = 0; b < items.Length; b++)
        {
            items[b] = new BenchmarkItem(cells.Benchmarks[b], solver.Difficulty[b], solver.Slope[b], cells.Floor[b])
            {
                ScoreCount = cells.Counts[b],
                IsAnchor = b == cells.Anchor,
            };
        }

        return new ItemResponseModel(items, capabilities, variance, options.Ridge)
        {
            SumOfSquares = sse,
            ScoreCount = cells.CellCount,
            ParameterCount = cells.ParameterCount,
            Iterations = solver.Iterations,
            Converged = stop is SolverStop.Step or SolverStop.Reduction,
        };
    }

    /// <summary>
    /// Rebuilds the frozen part of a stored fit (benchmark parameters, residual variance and ridge): everything
    /// <see cref="Estimate"/> needs. Throws <see cref="ObsValidationException"/> naming each unusable value.
    /// </summary>
    public static ItemResponseModel Restore(IReadOnlyList<BenchmarkItem> benchmarks, double residualVariance, double ridge)
    {
        ArgumentNullException.ThrowIfNull(benchmarks);
        var v = new ViolationCollector();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var b = 0; b < benchmarks.Count; b++)
        {
            var item = benchmarks[b];
            var at = $"benchmarks[{b.ToString(CultureInfo.InvariantCulture)}]";
            if (item is null || string.IsNullOrWhiteSpace(item.Name))
            {
                v.Add($"{at}.name", item?.Name ?? "", "a benchmark needs a name");
                continue;
            }

            if (!names.Add(item.Name))
            {
                v.Add($"{at}.name", item.Name, "duplicate benchmark name");
            }

            if (!double.IsFinite(item.Difficulty))
            {
                v.Add($"{at}.difficulty", item.Difficulty, "must be finite");
            }

            if (!double.IsFinite(item.Slope))
            {
                v.Add($"{at}.slope", item.Slope, "must be finite");
            }

            if (!(item.Floor >= 0 && item.Floor < 1))
            {
                v.Add($"{at}.floor", item.Floor, "a chance floor must lie in [0, 1)");
            }
        }

        if (benchmarks.Count == 0)
        {
            v.Add("benchmarks", "[]", "at least one benchmark is needed");
        }

        if (!(residualVariance >= 0) || !double.IsFinite(residualVariance))
        {
            v.Add("residual_variance", residualVariance, "must be a finite number ≥ 0");
        }

        if (!(ridge >= 0) || !double.IsFinite(ridge))
        {
            v.Add("irt.ridge", ridge, "the ridge must be a finite number ≥ 0");
        }

        v.ThrowIfAny();
        return new ItemResponseModel([.. benchmarks], [], residualVariance, ridge);
    }

    /// <summary>The fitted item of a benchmark; throws <see cref="ObsValidationException"/> when the fit has none of that name.</summary>
    public BenchmarkItem Benchmark(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _index.TryGetValue(name, out var b)
            ? Benchmarks[b]
            : throw new ObsValidationException("benchmark", name, "not one of the fit's benchmarks");
    }

    /// <summary>
    /// The capability of a model from its scores, the benchmarks' parameters held fixed (the global minimiser of its
    /// own least-squares objective with the fit's ridge), and its standard error √(s²/h). Scores on benchmarks the fit
    /// does not have are ignored; for a model that was in the fit, all its scores give back its fitted capability.
    /// Throws <see cref="ObsValidationException"/> for a score that is not a finite number in [0, 1], and
    /// <see cref="ObsPreconditionException"/> when none of the scores is on a fitted benchmark.
    /// </summary>
    public CapabilityEstimate Estimate(string model, IReadOnlyDictionary<string, double> scores)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(scores);
        var v = new ViolationCollector();
        var used = new List<(int Benchmark, double Score)>();
        for (var b = 0; b < Benchmarks.Count; b++)
        {
            if (!scores.TryGetValue(Benchmarks[b].Name, out var y))
            {
                continue;
            }

            if (!double.IsFinite(y) || y < 0 || y > 1)
            {
                v.Add($"scores[{Benchmarks[b].Name}]", y, "a score must be a finite number in [0, 1] (leave it out when not evaluated)");
                continue;
            }

            used.Add((b, y));
        }

        v.ThrowIfAny();
        if (used.Count == 0)
        {
            throw new ObsPreconditionException("scores", model, "no score on any of the fit's benchmarks (" + string.Join(", ", Benchmarks.Select(b => b.Name)) + ")");
        }

        var n = used.Count;
        var y0 = new double[n];
        var d = new double[n];
        var a = new double[n];
        var f = new double[n];
        for (var i = 0; i < n; i++)
        {
            var item = Benchmarks[used[i].Benchmark];
            y0[i] = used[i].Score;
            d[i] = item.Difficulty;
            a[i] = item.Slope;
            f[i] = item.Floor;
        }

        var (capability, curvature) = CapabilitySearch.Minimize(y0, d, a, f, Ridge);
        return new CapabilityEstimate(model, capability, StandardError(ResidualVariance, curvature), n);
    }

    private static double StandardError(double variance, double curvature) =>
        curvature > 0 ? Math.Sqrt(variance / curvature) : double.PositiveInfinity;
}
