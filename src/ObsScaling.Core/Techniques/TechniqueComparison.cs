using System.Globalization;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Equivalence;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Laws;
using ObsScaling.Core.Uncertainty;

namespace ObsScaling.Core.Techniques;

/// <summary>
/// Compares techniques (greedy, chain-of-thought, CoT + self-consistency, …) on one capability axis: one PCA on the
/// training models' benchmarks, one law per technique on the same PCs, each law's capability mapped to
/// reference-family-equivalent compute; on a compute grid, every technique's predicted score, its gain over the
/// baseline, and where curves cross. Intervals come from a paired bootstrap: each replicate resamples the training
/// models (or families) once and refits every technique on that same resample, so a gain's interval reflects the
/// techniques' shared uncertainty rather than adding independent noise. The capability space is held fixed.
/// </summary>
public static class TechniqueComparison
{
    /// <summary>Largest resamples × grid points × techniques the bootstrap may keep (160 MB of doubles).</summary>
    public const long MaxReplicateValues = 20_000_000;

    /// <summary>Largest grid points × techniques one answer may carry (about 2 MB on the wire).</summary>
    public const long MaxCurvePoints = 50_000;

    public static TechniqueComparisonResult Compare(
        ModelSet models,
        TechniqueComparisonOptions options,
        IProgress<TechniqueProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(options);
        Validate(models, options);
        var techniques = new[] { options.Baseline }.Concat(options.Techniques).ToArray();

        // The shared axis: impute and decompose the training part's benchmarks once.
        progress?.Report(new TechniqueProgress("decomposing", 0));
        var names = models.Models.Select(m => m.Name).ToArray();
        var split = options.Split.Assign(names, options.Split.UsesColumn ? models.Column(options.Split.Column) : null);
        var train = split.Train.ToArray();
        var test = split.Test.ToArray();
        if (train.Length < options.Components + 3)
        {
            throw new ObsPreconditionException("split", options.Split.Describe(), $"{train.Length} training model(s); the laws need at least {options.Components + 3}");
        }

        var metrics = options.CapabilityMetrics;
        var imputation = PcaImputer.Fit(models.Matrix(metrics, train), options.Imputation, metrics, cancellationToken);
        var direction = metrics.Select(m => models.Metrics[m].HigherIsBetter).ToArray();
        var space = CapabilitySpace.Fit(imputation.Imputed, metrics, new PcaOptions { Components = Math.Max(options.Components, PcaOptions.DefaultComponents(metrics.Count)) }, direction, cancellationToken);
        var rows = train.Concat(test).ToArray();
        var scores = new double[models.Count][];
        var trainScores = space.Scores;
        var testScores = test.Length > 0 ? space.Project(imputation.Impute(models.Matrix(metrics, test), cancellationToken).Imputed) : new double[0, space.Components];
        for (var r = 0; r < rows.Length; r++)
        {
            var source = r < train.Length ? trainScores : testScores;
            var at = r < train.Length ? r : r - train.Length;
            scores[rows[r]] = Enumerable.Range(0, options.Components).Select(j => source[at, j]).ToArray();
        }

        // Reference rows per technique: the reference family's models with FLOPs and that technique's score.
        var referenceRows = techniques.Select(t => rows
            .Where(i => models[i].Family == options.ReferenceFamily && models[i].FlopsE21 is > 0 && !double.IsNaN(models[i].Score(t)))
            .ToArray()).ToArray();
        var trainRowsByTechnique = techniques.Select(t => train.Where(i => !double.IsNaN(models[i].Score(t))).ToArray()).ToArray();

        var laws = new TechniqueLaw[techniques.Length];
        for (var t = 0; t < techniques.Length; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new TechniqueProgress("fitting", (double)t / techniques.Length));
            var fitted = FitTechnique(models, techniques[t], trainRowsByTechnique[t], referenceRows[t], scores, options, options.Law, cancellationToken)
                ?? throw new ObsPreconditionException(
                    "reference_family",
                    options.ReferenceFamily,
                    $"fewer than two {options.ReferenceFamily} models with FLOPs and {techniques[t]}, or no capability change across them: no equivalent-compute axis");
            laws[t] = new TechniqueLaw(techniques[t], fitted.Law, fitted.Equivalent, trainRowsByTechnique[t].Length);
        }

        var grid = Enumerable.Range(0, options.GridPoints)
            .Select(g => options.GridFrom + ((options.GridTo - options.GridFrom) * g / (options.GridPoints - 1)))
            .ToArray();
        var point = Curves(laws.Select(l => (Func<double, double>)l.PredictAt).ToArray(), grid);

        // Paired bootstrap: one resample of training units, every technique refitted on it.
        double[][][]? replicates = null;
        var level = options.Intervals?.Level ?? double.NaN;
        if (options.Intervals is { } intervals)
        {
            replicates = Bootstrap(models, techniques, train, trainRowsByTechnique, referenceRows, scores, grid, options, intervals, progress, cancellationToken);
        }

        var curve = new List<TechniqueCurvePoint>();
        for (var g = 0; g < grid.Length; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var t = 0; t < techniques.Length; t++)
            {
                double pl = double.NaN, pu = double.NaN, gl = double.NaN, gu = double.NaN;
                if (replicates is not null)
                {
                    (pl, pu) = Percentiles(replicates.Select(r => r[t][g]), level);
                    (gl, gu) = t == 0 ? (0.0, 0.0) : Percentiles(replicates.Select(r => r[t][g] - r[0][g]), level);
                }

                curve.Add(new TechniqueCurvePoint(grid[g], techniques[t], point[t][g], point[t][g] - point[0][g], pl, pu, gl, gu));
            }
        }

        var crossings = new List<TechniqueCrossing>();
        for (var a = 0; a < techniques.Length; a++)
        {
            for (var b = a + 1; b < techniques.Length; b++)
            {
                var la = laws[a];
                var lb = laws[b];
                foreach (var x in Crossings(v => la.PredictAt(v) - lb.PredictAt(v), grid))
                {
                    // Below the crossing, the technique ahead is the "earlier" one.
                    var belowA = la.PredictAt(x - 1e-6) > lb.PredictAt(x - 1e-6);
                    double lo = double.NaN, hi = double.NaN, share = double.NaN;
                    if (replicates is not null)
                    {
                        var near = new List<double>();
                        foreach (var r in replicates)
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            var diff = r[a].Zip(r[b], (p, q) => p - q).ToArray();
                            var found = GridCrossings(diff, grid);
                            if (found.Count > 0)
                            {
                                near.Add(found.MinBy(c => Math.Abs(c - x)));
                            }
                        }

                        share = (double)near.Count / replicates.Length;
                        (lo, hi) = near.Count > 0 ? Percentiles(near, level) : (double.NaN, double.NaN);
                    }

                    crossings.Add(new TechniqueCrossing(
                        belowA ? techniques[a] : techniques[b],
                        belowA ? techniques[b] : techniques[a],
                        x,
                        la.PredictAt(x),
                        lo,
                        hi,
                        share));
                }
            }
        }

        progress?.Report(new TechniqueProgress("done", 1));
        return new TechniqueComparisonResult(options.Baseline, laws, curve, crossings, replicates?.Length ?? 0, level);
    }

    /// <summary>Roots of a continuous function between the grid's sign changes, refined by bisection to 1e-12.</summary>
    internal static List<double> Crossings(Func<double, double> f, IReadOnlyList<double> grid)
    {
        var roots = new List<double>();
        var previous = f(grid[0]);
        for (var g = 1; g < grid.Count; g++)
        {
            var current = f(grid[g]);
            if (previous == 0 && g == 1)
            {
                roots.Add(grid[0]);
            }

            if ((previous < 0 && current > 0) || (previous > 0 && current < 0) || (current == 0 && previous != 0))
            {
                double lo = grid[g - 1], hi = grid[g], flo = previous;
                for (var i = 0; i < 200 && hi - lo > 1e-12; i++)
                {
                    var mid = 0.5 * (lo + hi);
                    var fm = f(mid);
                    if (fm == 0)
                    {
                        lo = hi = mid;
                        break;
                    }

                    if ((fm < 0) == (flo < 0))
                    {
                        lo = mid;
                        flo = fm;
                    }
                    else
                    {
                        hi = mid;
                    }
                }

                roots.Add(0.5 * (lo + hi));
            }

            previous = current;
        }

        return roots;
    }

    /// <summary>Sign changes of sampled values, located by linear interpolation between grid points.</summary>
    private static List<double> GridCrossings(double[] values, double[] grid)
    {
        var roots = new List<double>();
        for (var g = 1; g < grid.Length; g++)
        {
            var (p, q) = (values[g - 1], values[g]);
            if ((p < 0 && q >= 0) || (p > 0 && q <= 0))
            {
                roots.Add(grid[g - 1] + ((grid[g] - grid[g - 1]) * p / (p - q)));
            }
        }

        return roots;
    }

    private static double[][] Curves(Func<double, double>[] predict, double[] grid) =>
        predict.Select(f => grid.Select(f).ToArray()).ToArray();

    private static (FittedLaw Law, EquivalentCompute Equivalent)? FitTechnique(
        ModelSet models, string technique, int[] trainRows, int[] referenceRows, double[][] scores,
        TechniqueComparisonOptions options, ScalingLawOptions lawOptions, CancellationToken cancellationToken)
    {
        var d = options.Components;
        var x = new double[trainRows.Length, d];
        var y = new double[trainRows.Length];
        for (var r = 0; r < trainRows.Length; r++)
        {
            y[r] = models[trainRows[r]].Score(technique);
            for (var j = 0; j < d; j++)
            {
                x[r, j] = scores[trainRows[r]][j];
            }
        }

        var law = ScalingLawFitter.Fit(x, y, lawOptions, cancellationToken);
        var equivalent = EquivalentCompute.TryFit(
            options.ReferenceFamily,
            referenceRows.Select(i => law.Capability(scores[i])).ToArray(),
            referenceRows.Select(i => models[i].FlopsE21!.Value).ToArray());
        return equivalent is null ? null : (law, equivalent);
    }

    private static double[][][] Bootstrap(
        ModelSet models, string[] techniques, int[] train, int[][] trainRowsByTechnique, int[][] referenceRows, double[][] scores,
        double[] grid, TechniqueComparisonOptions options, IntervalOptions intervals, IProgress<TechniqueProgress>? progress, CancellationToken cancellationToken)
    {
        var units = intervals.Method == IntervalMethod.FamilyBootstrap
            ? train.GroupBy(i => models[i].Family ?? "\u0000" + models[i].Name, StringComparer.Ordinal).Select(g => g.ToArray()).ToArray()
            : train.Select(i => new[] { i }).ToArray();
        var hasTarget = techniques.Select(t => trainRowsByTechnique[Array.IndexOf(techniques, t)].ToHashSet()).ToArray();
        var fast = options.Law with { ExtraStarts = Math.Min(options.Law.ExtraStarts, 2) };
        var result = new double[intervals.Resamples][][];
        var done = 0;
        try
        {
            Parallel.For(0, intervals.Resamples, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount - 1) }, b =>
            {
                result[b] = Replicate(b);
                var n = Interlocked.Increment(ref done);
                progress?.Report(new TechniqueProgress("bootstrapping", (double)n / intervals.Resamples));
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is ObsPreconditionException or OperationCanceledException) is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
        }

        return result;

        double[][] Replicate(int b)
        {
            var rng = new Random(unchecked((intervals.Seed * 1_000_003) + b));
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var drawn = new List<int>(train.Length + 8);
                while (drawn.Count < train.Length)
                {
                    drawn.AddRange(units[rng.Next(units.Length)]);
                }

                var curves = new double[techniques.Length][];
                var ok = true;
                for (var t = 0; t < techniques.Length && ok; t++)
                {
                    var rows = drawn.Where(hasTarget[t].Contains).ToArray();
                    if (rows.Distinct().Count() < options.Components + 3)
                    {
                        ok = false;
                        break;
                    }

                    try
                    {
                        var fitted = FitTechnique(models, techniques[t], rows, referenceRows[t], scores, options, fast, cancellationToken);
                        if (fitted is not { } f)
                        {
                            ok = false;
                            break;
                        }

                        curves[t] = grid.Select(g => f.Law.ApplyLink(f.Equivalent.ToCapability(g))).ToArray();
                    }
                    catch (ObsValidationException)
                    {
                        ok = false;
                    }
                }

                if (ok)
                {
                    return curves;
                }
            }

            throw new ObsPreconditionException("models", train.Length.ToString(CultureInfo.InvariantCulture), "too few distinct models or families to bootstrap the techniques' laws");
        }
    }

    /// <summary>Equal-tailed percentile interval (linear interpolation between order statistics, as numpy's default).</summary>
    internal static (double Lower, double Upper) Percentiles(IEnumerable<double> values, double level)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        var alpha = (1 - level) / 2;
        return (Quantile(sorted, alpha), Quantile(sorted, 1 - alpha));
    }

    private static double Quantile(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    private static void Validate(ModelSet models, TechniqueComparisonOptions o)
    {
        var v = new ViolationCollector();
        if (string.IsNullOrWhiteSpace(o.Baseline) || !models.Metrics.ContainsKey(o.Baseline))
        {
            v.Add("baseline", o.Baseline ?? "", "unknown metric");
        }

        if (o.Techniques is null || o.Techniques.Count == 0)
        {
            v.Add("techniques", "", "name at least one technique to compare with the baseline");
        }
        else
        {
            for (var i = 0; i < o.Techniques.Count; i++)
            {
                if (!models.Metrics.ContainsKey(o.Techniques[i] ?? ""))
                {
                    v.Add($"techniques[{i}]", o.Techniques[i] ?? "", "unknown metric");
                }
                else if (o.Techniques[i] == o.Baseline || o.Techniques.Take(i).Contains(o.Techniques[i]))
                {
                    v.Add($"techniques[{i}]", o.Techniques[i], "listed twice (the baseline is compared with itself implicitly)");
                }
            }
        }

        var all = new[] { o.Baseline }.Concat(o.Techniques ?? []).ToHashSet(StringComparer.Ordinal);
        if (o.CapabilityMetrics is null || o.CapabilityMetrics.Count < 2)
        {
            v.Add("capability_metrics", string.Join(",", o.CapabilityMetrics ?? []), "a capability space needs at least 2 metrics");
        }
        else
        {
            for (var j = 0; j < o.CapabilityMetrics.Count; j++)
            {
                var m = o.CapabilityMetrics[j];
                if (!models.Metrics.ContainsKey(m))
                {
                    v.Add($"capability_metrics[{j}]", m, "unknown metric");
                }
                else if (all.Contains(m))
                {
                    v.Add($"capability_metrics[{j}]", m, "a technique metric cannot also be a capability metric (it would leak into its own predictors)");
                }
            }

            if (o.Components < 1 || o.Components > o.CapabilityMetrics.Count)
            {
                v.Add("components", o.Components.ToString(CultureInfo.InvariantCulture), $"must be between 1 and the {o.CapabilityMetrics.Count} capability metrics");
            }
        }

        if (!(double.IsFinite(o.GridFrom) && double.IsFinite(o.GridTo) && o.GridTo > o.GridFrom))
        {
            v.Add("grid", $"{o.GridFrom.ToString(CultureInfo.InvariantCulture)}..{o.GridTo.ToString(CultureInfo.InvariantCulture)}", "needs finite from < to (log10 FLOPs in units of 1e21)");
        }

        if (o.GridPoints < 2 || o.GridPoints > 100_000)
        {
            v.Add("grid_points", o.GridPoints.ToString(CultureInfo.InvariantCulture), "must be between 2 and 100000");
        }

        if (string.IsNullOrWhiteSpace(o.ReferenceFamily) || !models.Models.Any(m => m.Family == o.ReferenceFamily))
        {
            v.Add("reference_family", o.ReferenceFamily ?? "", "no model of the dataset belongs to this family");
        }

        if (o.Split.UsesColumn && !models.HasColumn(o.Split.Column))
        {
            v.Add("split.column", o.Split.Column, "unknown metric or column");
        }

        if (o.Intervals is { } io)
        {
            if (io.Method == IntervalMethod.Parametric)
            {
                v.Add("intervals.method", "parametric", "gains need a paired bootstrap: model or family bootstrap");
            }

            if (!(io.Level > 0 && io.Level < 1))
            {
                v.Add("intervals.level", io.Level, "must lie strictly between 0 and 1");
            }

            if (io.Resamples < 20 || io.Resamples > 100_000)
            {
                v.Add("intervals.resamples", io.Resamples.ToString(CultureInfo.InvariantCulture), "must be between 20 and 100000");
            }
            else if ((long)io.Resamples * o.GridPoints * ((o.Techniques?.Count ?? 0) + 1) > MaxReplicateValues && o.GridPoints is >= 2 and <= 100_000)
            {
                v.Add("intervals.resamples", io.Resamples.ToString(CultureInfo.InvariantCulture),
                    $"resamples × grid_points × techniques (with the baseline) = {io.Resamples} × {o.GridPoints} × {(o.Techniques?.Count ?? 0) + 1} exceeds {MaxReplicateValues.ToString(CultureInfo.InvariantCulture)} kept values; fewer resamples or grid points");
            }
        }

        if (o.GridPoints is >= 2 and <= 100_000 && (long)o.GridPoints * ((o.Techniques?.Count ?? 0) + 1) > MaxCurvePoints)
        {
            v.Add("grid_points", o.GridPoints.ToString(CultureInfo.InvariantCulture),
                $"grid_points × techniques (with the baseline) = {o.GridPoints} × {(o.Techniques?.Count ?? 0) + 1} exceeds {MaxCurvePoints.ToString(CultureInfo.InvariantCulture)} curve points in one answer");
        }

        v.ThrowIfAny();
    }
}
