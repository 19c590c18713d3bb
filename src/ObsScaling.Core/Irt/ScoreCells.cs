using System.Globalization;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Irt;

/// <summary>
/// The observed cells of a sparse model × benchmark matrix, grouped by model (compressed rows): cells
/// <c>RowStart[m] .. RowStart[m+1]</c> are model m's, each with its benchmark and score. A missing cell is simply
/// absent. Built only through <see cref="Build"/>, which refuses what a fit cannot use.
/// </summary>
internal sealed class ScoreCells
{
    /// <summary>Largest benchmark count: the solver factors a dense 2(B−1)-square matrix every iteration.</summary>
    public const int MaxBenchmarks = 500;

    /// <summary>Largest number of observed scores one fit may hold (about 40 bytes of working state each).</summary>
    public const int MaxScores = 10_000_000;

    private ScoreCells(string[] models, string[] benchmarks, int[] rowStart, int[] benchmark, double[] score, double[] floor, int[] counts, int anchor)
    {
        Models = models;
        Benchmarks = benchmarks;
        RowStart = rowStart;
        Benchmark = benchmark;
        Score = score;
        Floor = floor;
        Counts = counts;
        Anchor = anchor;
    }

    public string[] Models { get; }

    public string[] Benchmarks { get; }

    public int[] RowStart { get; }

    public int[] Benchmark { get; }

    public double[] Score { get; }

    /// <summary>f_b per benchmark.</summary>
    public double[] Floor { get; }

    /// <summary>Scores per benchmark.</summary>
    public int[] Counts { get; }

    public int Anchor { get; }

    public int ModelCount => Models.Length;

    public int BenchmarkCount => Benchmarks.Length;

    public int CellCount => Score.Length;

    /// <summary>C per model, D and α per benchmark, less the anchor's two.</summary>
    public int ParameterCount => ModelCount + (2 * (BenchmarkCount - 1));

    /// <summary>
    /// Validates and collects the scores of <paramref name="models"/> on <paramref name="benchmarks"/> (scores on other
    /// metrics are ignored). Malformed input (a non-finite score or one outside [0, 1], an unknown anchor, bad options)
    /// is an <see cref="ObsValidationException"/>; data too thin to fit (a benchmark with fewer than 2 scores, a model
    /// with none, no more scores than parameters) an <see cref="ObsPreconditionException"/>. Each names field and value.
    /// </summary>
    public static ScoreCells Build(IReadOnlyList<ModelRecord> models, IReadOnlyList<MetricInfo> benchmarks, IrtOptions options)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(benchmarks);
        ArgumentNullException.ThrowIfNull(options);
        var v = new ViolationCollector();
        CheckOptions(v, options);
        if (benchmarks.Count == 0)
        {
            v.Add("benchmarks", "[]", "an item-response fit needs at least two benchmarks");
        }
        else if (benchmarks.Count > MaxBenchmarks)
        {
            v.Add("benchmarks", Count(benchmarks.Count), $"a fit takes at most {Count(MaxBenchmarks)} benchmarks");
        }

        var column = new Dictionary<string, int>(StringComparer.Ordinal);
        var floor = new double[benchmarks.Count];
        for (var b = 0; b < benchmarks.Count; b++)
        {
            var info = benchmarks[b];
            if (info is null || string.IsNullOrWhiteSpace(info.Name))
            {
                v.Add($"benchmarks[{Count(b)}].name", info?.Name ?? "", "a benchmark needs a name");
                continue;
            }

            if (!column.TryAdd(info.Name, b))
            {
                v.Add($"benchmarks[{Count(b)}].name", info.Name, "duplicate benchmark name");
            }

            if (options.ChanceFloors && info.Chance is { } chance)
            {
                if (!(chance >= 0 && chance < 1))
                {
                    v.Add($"benchmarks[{info.Name}].chance", chance, "a chance floor must lie in [0, 1)");
                }
                else
                {
                    floor[b] = chance;
                }
            }
        }

        var anchor = -1;
        if (options.AnchorBenchmark is { } anchorName && !column.TryGetValue(anchorName, out anchor))
        {
            v.Add("irt.anchor_benchmark", anchorName, "not one of the benchmarks");
        }

        var rowStart = new int[models.Count + 1];
        var names = new string[models.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var cells = new List<(int Benchmark, double Score)>();
        var counts = new int[benchmarks.Count];
        var empty = new List<int>();
        for (var m = 0; m < models.Count; m++)
        {
            var model = models[m];
            var at = $"models[{Count(m)}]";
            if (model is null)
            {
                v.Add(at, "null", "a model is required");
                rowStart[m + 1] = cells.Count;
                continue;
            }

            names[m] = model.Name;
            if (string.IsNullOrWhiteSpace(model.Name))
            {
                v.Add($"{at}.name", model.Name ?? "", "a model needs a name");
            }
            else if (!seen.TryAdd(model.Name, m))
            {
                v.Add($"{at}.name", model.Name, $"duplicate model name (first at models[{Count(seen[model.Name])}])");
            }

            var before = cells.Count;
            for (var b = 0; b < benchmarks.Count; b++)
            {
                if (benchmarks[b]?.Name is not { } name || !model.Scores.TryGetValue(name, out var score))
                {
                    continue;
                }

                if (!double.IsFinite(score) || score < 0 || score > 1)
                {
                    v.Add($"{at}.scores[{name}]", score, "a score must be a finite number in [0, 1] (leave it out when not evaluated)");
                    continue;
                }

                cells.Add((b, score));
                counts[b]++;
            }

            if (cells.Count == before)
            {
                empty.Add(m);
            }

            rowStart[m + 1] = cells.Count;
            if (cells.Count > MaxScores)
            {
                v.Add("models", Count(models.Count), $"more than {Count(MaxScores)} scores in one fit");
                break;
            }
        }

        v.ThrowIfAny();

        var thin = new ViolationCollector();
        foreach (var m in empty)
        {
            thin.Add($"models[{Count(m)}].scores", names[m], "the model has no score on any of the benchmarks");
        }

        for (var b = 0; b < benchmarks.Count; b++)
        {
            if (counts[b] < 2)
            {
                thin.Add($"benchmarks[{benchmarks[b].Name}]", Count(counts[b]), "a benchmark needs at least 2 scores to place its difficulty and slope");
            }
        }

        var parameters = models.Count + (2 * (benchmarks.Count - 1));
        if (!thin.HasAny && cells.Count <= parameters)
        {
            thin.Add("models", $"{Count(cells.Count)} scores", $"the fit has {Count(parameters)} parameters and needs more scores than that to estimate its residual variance");
        }

        thin.ThrowPreconditionIfAny();

        if (anchor < 0)
        {
            anchor = 0;
            for (var b = 1; b < counts.Length; b++)
            {
                if (counts[b] > counts[anchor])
                {
                    anchor = b;
                }
            }
        }

        return new ScoreCells(
            names,
            benchmarks.Select(b => b.Name).ToArray(),
            rowStart,
            cells.Select(c => c.Benchmark).ToArray(),
            cells.Select(c => c.Score).ToArray(),
            floor,
            counts,
            anchor);
    }

    /// <summary>Refuses option values no fit can use, naming each.</summary>
    internal static void CheckOptions(ViolationCollector v, IrtOptions options)
    {
        if (!(options.Ridge >= 0) || !double.IsFinite(options.Ridge))
        {
            v.Add("irt.ridge", options.Ridge, "the ridge must be a finite number ≥ 0");
        }

        if (options.MaxIterations < 1)
        {
            v.Add("irt.max_iterations", Count(options.MaxIterations), "at least 1");
        }

        if (!(options.Tolerance > 0 && options.Tolerance <= 1e-2))
        {
            v.Add("irt.tolerance", options.Tolerance, "the tolerance must lie in (0, 0.01]");
        }
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
