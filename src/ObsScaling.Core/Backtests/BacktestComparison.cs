using System.Globalization;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Imputation;

namespace ObsScaling.Core.Backtests;

/// <summary>
/// Backtests that compare predictor sets on the same folds (one row per set): the spec's holdout split, leave one
/// family out, or a sweep of the share of models held out. Every fold is a full <see cref="HoldoutAnalysis"/>
/// (imputation and PCA on that fold's training rows only), so nothing of a test model leaks into its forecast.
/// A set the data cannot support on a fold (no test model has FLOPs, say) is reported as unavailable there,
/// not fatal; a set unavailable everywhere makes the whole backtest fail only when no set is available.
/// </summary>
public static class BacktestComparison
{
    public static BacktestTable Holdout(ModelSet models, HoldoutOptions options, IReadOnlyList<PredictorSet> compare, IProgress<BacktestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ValidateCommon(models, options, compare);
        var rows = new List<BacktestRow>();
        for (var i = 0; i < compare.Count; i++)
        {
            progress?.Report(new BacktestProgress("fitting", (double)i / compare.Count, $"fitting {compare[i]} ({i + 1}/{compare.Count})"));
            var (result, why) = TryRun(models, options with { Predictors = compare[i] }, cancellationToken);
            rows.Add(result is null
                ? new BacktestRow { Predictors = compare[i], Unavailable = why }
                : new BacktestRow
                {
                    Predictors = compare[i],
                    TrainMse = result.TrainMse,
                    TestMse = result.TestMse,
                    TrainCount = result.Train.Count,
                    TestCount = result.Test.Count,
                    Coverage = Coverage(result),
                    Holdout = result,
                });
        }

        return Finish(BacktestMode.Holdout, rows, models, options);
    }

    /// <summary>
    /// Each family in turn is forecast by a law fitted on every other family (models without a family are always
    /// fitted on). The row's test MSE pools all folds (Σ squared errors / Σ forecasts); its train MSE is the mean
    /// of the folds'. <paramref name="families"/> restricts the folds (default: every family with the target).
    /// Only the sets that forecast the most models (a compute baseline cannot forecast models without compute) are
    /// ranked for <see cref="BacktestRow.Best"/>; the same holds for a sweep.
    /// </summary>
    public static BacktestTable LeaveOneFamilyOut(ModelSet models, HoldoutOptions options, IReadOnlyList<PredictorSet> compare, IReadOnlyList<string>? families = null, IProgress<BacktestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ValidateCommon(models, options, compare);
        var eligible = Eligible(models, options);
        var byFamily = eligible.Where(m => m.Family is not null).GroupBy(m => m.Family!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Name).ToArray(), StringComparer.Ordinal);
        var folds = families is { Count: > 0 } ? families.ToArray() : eligible.Select(m => m.Family).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var v = new ViolationCollector();
        if (families is { Count: > 0 })
        {
            for (var i = 0; i < folds.Length; i++)
            {
                if (!byFamily.ContainsKey(folds[i] ?? ""))
                {
                    v.Add($"families[{i}]", folds[i] ?? "", models.Models.Any(m => m.Family == folds[i])
                        ? $"no model of this family has {options.Target}"
                        : "no model of this family in the dataset");
                }
            }

            if (folds.Distinct(StringComparer.Ordinal).Count() != folds.Length)
            {
                v.Add("families", string.Join(",", folds), "a family is named twice");
            }
        }

        v.ThrowIfAny();
        if (byFamily.Count < 2)
        {
            throw new ObsPreconditionException("families", string.Join(",", byFamily.Keys), $"leaving one family out needs models of at least 2 families with {options.Target}");
        }

        var rows = new List<BacktestRow>();
        var total = compare.Count * folds.Length;
        for (var s = 0; s < compare.Count; s++)
        {
            var errors = new List<FamilyError>();
            for (var f = 0; f < folds.Length; f++)
            {
                progress?.Report(new BacktestProgress("fitting", (double)((s * folds.Length) + f) / total, $"{compare[s]} without {folds[f]} ({(s * folds.Length) + f + 1}/{total})"));
                var fold = options with { Predictors = compare[s], Split = HoldoutSplit.Explicit(byFamily[folds[f]]) };
                var (result, why) = TryRun(models, fold, cancellationToken);
                errors.Add(result is null
                    ? new FamilyError(folds[f], 0, 0, double.NaN, double.NaN, double.NaN, null, why)
                    : new FamilyError(folds[f], result.Train.Count, result.Test.Count, result.TrainMse, result.TestMse, result.Test.Sum(p => p.Error * p.Error), Coverage(result), null));
            }

            var scored = errors.Where(e => e.Unavailable is null).ToArray();
            rows.Add(scored.Length == 0
                ? new BacktestRow { Predictors = compare[s], Families = errors, Unavailable = errors[0].Unavailable }
                : new BacktestRow
                {
                    Predictors = compare[s],
                    Families = errors,
                    TestCount = scored.Sum(e => e.TestCount),
                    TestMse = scored.Sum(e => e.SquaredErrorSum) / scored.Sum(e => e.TestCount),
                    TrainMse = scored.Average(e => e.TrainMse),
                    TrainCount = (int)Math.Round(scored.Average(e => e.TrainCount)),
                    Coverage = IntervalCoverage.Sum(scored.Select(e => e.Coverage)),
                });
        }

        return Finish(BacktestMode.LeaveOneFamilyOut, rows, models, options);
    }

    /// <summary>
    /// For each share s of the grid, the top ⌊s·n⌋ models by the sweep's column are forecast by a law fitted on the
    /// rest (n = models with the target; ranked descending, models without a value first, as the reference's
    /// <c>rank_by</c>). The row's <see cref="BacktestRow.AreaUnderError"/> is the trapezoid area under test MSE
    /// against share (the reference's AUE), over the shares in ascending order; it is absent, and the row not
    /// ranked, when a point could not be scored. Its MSE columns are the means over the scored points.
    /// </summary>
    public static BacktestTable CutoffSweep(ModelSet models, HoldoutOptions options, IReadOnlyList<PredictorSet> compare, CutoffSweepOptions sweep, IProgress<BacktestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ValidateCommon(models, options, compare);
        var eligible = Eligible(models, options);
        var n = eligible.Length;
        var v = new ViolationCollector();
        if (sweep.HeldOutShares.Count == 0)
        {
            v.Add("held_out_shares", "", "name at least one share of models to hold out, e.g. 0.1, 0.2, 0.3");
        }

        for (var i = 0; i < sweep.HeldOutShares.Count; i++)
        {
            if (!(sweep.HeldOutShares[i] > 0 && sweep.HeldOutShares[i] < 1))
            {
                v.Add($"held_out_shares[{i}]", sweep.HeldOutShares[i], "a share of models held out must lie strictly between 0 and 1");
            }
        }

        if (sweep.HeldOutShares.Distinct().Count() != sweep.HeldOutShares.Count)
        {
            v.Add("held_out_shares", string.Join(",", sweep.HeldOutShares.Select(s => s.ToString("R", CultureInfo.InvariantCulture))), "a share is named twice");
        }

        var pc = PrincipalComponent(sweep.Column);
        if (pc is { } k && (k < 1 || k > options.Pca.Components))
        {
            v.Add("column", sweep.Column, $"the PCA has components PC-1..PC-{options.Pca.Components}");
        }
        else if (pc is null && sweep.Column != HoldoutSplit.TargetColumn && !models.HasColumn(sweep.Column))
        {
            v.Add("column", sweep.Column, "unknown metric or column (or PC-k, or @target)");
        }

        v.ThrowIfAny();
        var shares = sweep.HeldOutShares.Order().ToArray();
        for (var i = 0; i < sweep.HeldOutShares.Count; i++)
        {
            var take = (int)Math.Floor(sweep.HeldOutShares[i] * n);
            if (take < 1 || take >= n)
            {
                v.Add($"held_out_shares[{i}]", sweep.HeldOutShares[i], $"holds out {take} of the {n} models with {options.Target}; a point needs at least one model on each side");
            }
        }

        v.ThrowPreconditionIfAny();

        var values = RankingValues(models, options, eligible, sweep.Column, pc, cancellationToken);
        var order = Enumerable.Range(0, n)
            .OrderBy(i => double.IsNaN(values[i]) ? 0 : 1)
            .ThenByDescending(i => double.IsNaN(values[i]) ? 0 : values[i])
            .ThenBy(i => i)
            .Select(i => eligible[i].Name)
            .ToArray();

        var rows = new List<BacktestRow>();
        var total = compare.Count * shares.Length;
        for (var s = 0; s < compare.Count; s++)
        {
            var points = new List<SweepPoint>();
            for (var p = 0; p < shares.Length; p++)
            {
                progress?.Report(new BacktestProgress("fitting", (double)((s * shares.Length) + p) / total, $"{compare[s]}, top {shares[p].ToString("P0", CultureInfo.InvariantCulture)} held out ({(s * shares.Length) + p + 1}/{total})"));
                var held = order.Take((int)Math.Floor(shares[p] * n)).ToArray();
                var (result, why) = TryRun(models, options with { Predictors = compare[s], Split = HoldoutSplit.Explicit(held) }, cancellationToken);
                points.Add(result is null
                    ? new SweepPoint(shares[p], 0, 0, double.NaN, double.NaN, null, why)
                    : new SweepPoint(shares[p], result.Train.Count, result.Test.Count, result.TrainMse, result.TestMse, Coverage(result), null));
            }

            var scored = points.Where(x => x.Unavailable is null).ToArray();
            rows.Add(scored.Length == 0
                ? new BacktestRow { Predictors = compare[s], Sweep = points, Unavailable = points[0].Unavailable }
                : new BacktestRow
                {
                    Predictors = compare[s],
                    Sweep = points,
                    TrainMse = scored.Average(x => x.TrainMse),
                    TestMse = scored.Average(x => x.TestMse),
                    TrainCount = (int)Math.Round(scored.Average(x => x.TrainCount)),
                    TestCount = (int)Math.Round(scored.Average(x => x.TestCount)),
                    Coverage = IntervalCoverage.Sum(scored.Select(x => x.Coverage)),
                    AreaUnderError = scored.Length == points.Count ? AreaUnderError(points) : null,
                });
        }

        return Finish(BacktestMode.CutoffSweep, rows, models, options);
    }

    /// <summary>Trapezoid rule over the points in ascending share (a single point has no area: its test MSE).</summary>
    public static double AreaUnderError(IReadOnlyList<SweepPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var sorted = points.OrderBy(p => p.HeldOutShare).ToArray();
        if (sorted.Length == 1)
        {
            return sorted[0].TestMse;
        }

        var area = 0.0;
        for (var i = 1; i < sorted.Length; i++)
        {
            area += (sorted[i].HeldOutShare - sorted[i - 1].HeldOutShare) * (sorted[i].TestMse + sorted[i - 1].TestMse) / 2;
        }

        return area;
    }

    private static BacktestTable Finish(BacktestMode mode, List<BacktestRow> rows, ModelSet models, HoldoutOptions options)
    {
        var ranked = rows.Where(r => r.Unavailable is null && double.IsFinite(mode == BacktestMode.CutoffSweep ? r.AreaUnderError ?? double.NaN : r.TestMse)).ToArray();
        if (rows.All(r => r.Unavailable is not null))
        {
            // Nothing could be evaluated: that is the data's problem, reported as the first set's reason.
            throw new ObsPreconditionException("split", options.Split.Describe(), rows[0].Unavailable + $" ({models.Count} models in the dataset)");
        }

        if (mode != BacktestMode.Holdout && ranked.Length > 0)
        {
            // An error over fewer forecasts (models without FLOPs dropped by the compute baseline, say) is not
            // comparable: only the sets that forecast the most models compete for best. A single holdout keeps the
            // reference's comparison of whatever each set could forecast.
            var most = ranked.Max(Forecasts);
            ranked = ranked.Where(r => Forecasts(r) == most).ToArray();
        }

        var best = ranked.Length == 0 ? double.NaN : ranked.Min(r => r.Score);
        return new BacktestTable(mode, rows.Select(r => r with { Best = ranked.Contains(r) && r.Score == best }).ToArray());
    }

    private static int Forecasts(BacktestRow row) => row.Sweep.Count > 0 ? row.Sweep.Sum(p => p.TestCount) : row.TestCount;

    private static (HoldoutResult? Result, string? Unavailable) TryRun(ModelSet models, HoldoutOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return (HoldoutAnalysis.Run(models, options, cancellationToken), null);
        }
        catch (ObsPreconditionException ex)
        {
            var why = ex.Violations.Count > 0 ? ex.Violations[0].Description : ex.Message;
            var cut = why.IndexOf(" (left out", StringComparison.Ordinal);
            return (null, cut > 0 ? why[..cut] : why);
        }
    }

    private static IntervalCoverage? Coverage(HoldoutResult result) =>
        result.Intervals is null ? null : new IntervalCoverage(result.Test.Count(p => p.Interval!.Contains(p.Observed)), result.Test.Count, result.Intervals.Level);

    /// <summary>Models whose target has a value under the transform: the rows every fold is drawn from.</summary>
    private static ModelRecord[] Eligible(ModelSet models, HoldoutOptions options) =>
        models.Models.Where(m => !double.IsNaN(m.Score(options.Target)) && double.IsFinite(options.Transform.Apply(m.Score(options.Target)))).ToArray();

    private static int? PrincipalComponent(string column) =>
        column.StartsWith("PC-", StringComparison.OrdinalIgnoreCase) && int.TryParse(column.AsSpan(3), NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) ? k : null;

    private static double[] RankingValues(ModelSet models, HoldoutOptions options, ModelRecord[] eligible, string column, int? pc, CancellationToken cancellationToken)
    {
        if (column == HoldoutSplit.TargetColumn)
        {
            return eligible.Select(m => options.Transform.Apply(m.Score(options.Target))).ToArray();
        }

        if (pc is not { } k)
        {
            return eligible.Select(m => m.Value(column)).ToArray();
        }

        // Ranking by a PC needs scores for every model: a capability space over all of them. It only orders the
        // models; each fold still fits its own space on its training rows.
        var rows = eligible.Select(m => models.IndexOf(m.Name)).ToArray();
        var metrics = options.CapabilityMetrics;
        var imputed = PcaImputer.Fit(models.Matrix(metrics, rows), options.Imputation, metrics, cancellationToken).Imputed;
        var space = CapabilitySpace.Fit(imputed, metrics, options.Pca, metrics.Select(m => models.Metrics[m].HigherIsBetter).ToArray(), cancellationToken);
        return Enumerable.Range(0, eligible.Length).Select(i => space.Scores[i, k - 1]).ToArray();
    }

    private static void ValidateCommon(ModelSet models, HoldoutOptions options, IReadOnlyList<PredictorSet> compare)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(compare);
        var v = new ViolationCollector();
        if (compare.Count == 0)
        {
            v.Add("compare", "", "name at least one predictor set");
        }

        for (var i = 0; i < compare.Count; i++)
        {
            var set = compare[i];
            if (set.Kind == PredictorKind.PrincipalComponents && (set.Components < 1 || set.Components > options.Pca.Components))
            {
                v.Add($"compare[{i}].components", set.Components.ToString(CultureInfo.InvariantCulture), $"the number of PCs must be between 1 and the PCA's {options.Pca.Components} components");
            }

            if (set.Kind == PredictorKind.Metrics)
            {
                if (set.MetricNames.Count == 0)
                {
                    v.Add($"compare[{i}].metrics", "", "name at least one benchmark");
                }

                for (var j = 0; j < set.MetricNames.Count; j++)
                {
                    if (!models.Metrics.ContainsKey(set.MetricNames[j]))
                    {
                        v.Add($"compare[{i}].metrics[{j}]", set.MetricNames[j], "unknown benchmark");
                    }
                    else if (set.MetricNames[j] == options.Target)
                    {
                        v.Add($"compare[{i}].metrics[{j}]", set.MetricNames[j], "the target cannot predict itself");
                    }
                }
            }
        }

        v.ThrowIfAny();
    }
}
