using System.Globalization;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Equivalence;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Irt;
using ObsScaling.Core.Laws;
using ObsScaling.Core.Uncertainty;

namespace ObsScaling.Core.Holdout;

/// <summary>
/// The end-to-end holdout pipeline of docs/method.md §2: transform the target, drop unevaluated rows,
/// split, impute and decompose on the training rows only (test rows imputed and projected with the
/// frozen train model), fit, score both parts on the transformed scale, and map capabilities to
/// reference-family-equivalent compute.
/// </summary>
public static class HoldoutAnalysis
{
    public static HoldoutResult Run(ModelSet models, HoldoutOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(options);
        Validate(models, options);
        var dropped = new List<DroppedModel>();

        // 1–2. Transform the target; rows without it cannot be fitted or scored.
        var kept = new List<int>();
        var yAll = new double[models.Count];
        for (var i = 0; i < models.Count; i++)
        {
            var raw = models[i].Score(options.Target);
            yAll[i] = options.Transform.Apply(raw);
            if (double.IsNaN(raw))
            {
                dropped.Add(new DroppedModel(models[i].Name, $"{options.Target} not evaluated"));
            }
            else if (!double.IsFinite(yAll[i]))
            {
                dropped.Add(new DroppedModel(models[i].Name, $"{options.Target} = {raw.ToString("R", CultureInfo.InvariantCulture)} has no value under {options.Transform}"));
            }
            else
            {
                kept.Add(i);
            }
        }

        var names = kept.Select(i => models[i].Name).ToArray();
        var y = kept.Select(i => yAll[i]).ToArray();

        // 3. Split.
        double[]? splitValues = null;
        if (options.Split.UsesColumn)
        {
            splitValues = options.Split.Column == HoldoutSplit.TargetColumn
                ? y
                : kept.Select(i => models[i].Value(options.Split.Column)).ToArray();
        }

        var split = options.Split.Assign(names, splitValues);
        var trainLocal = split.Train.ToList();
        var testLocal = split.Test.ToList();

        // 4. Held-out filter.
        if (options.ExcludeFromTrain.Count > 0)
        {
            var exclude = options.ExcludeFromTrain.ToHashSet(StringComparer.Ordinal);
            var removed = trainLocal.Where(r => exclude.Contains(names[r])).ToList();
            trainLocal.RemoveAll(r => exclude.Contains(names[r]));
            if (options.AddExcludedToTest)
            {
                testLocal.AddRange(removed);
                testLocal.Sort();
            }
            else
            {
                dropped.AddRange(removed.Select(r => new DroppedModel(names[r], "excluded from training")));
            }
        }

        var train = trainLocal.Select(r => kept[r]).ToArray();
        var test = testLocal.Select(r => kept[r]).ToArray();
        var yTrain = trainLocal.Select(r => y[r]).ToArray();
        var yTest = testLocal.Select(r => y[r]).ToArray();
        RequireNonEmpty(train, test, options);

        // 5. Capability space on the training rows.
        PcaImputation? imputation = null;
        CapabilitySpace? space = null;
        double[,]? imputedTrain = null;
        double[,]? imputedTest = null;
        double[,]? scoresTrain = null;
        double[,]? scoresTest = null;
        var needsImputation = options.Predictors.Kind == PredictorKind.PrincipalComponents ||
            (options.Predictors.Kind == PredictorKind.Metrics && options.Predictors.MetricNames.Any(options.CapabilityMetrics.Contains));
        if (needsImputation)
        {
            var metrics = options.CapabilityMetrics;
            imputation = PcaImputer.Fit(models.Matrix(metrics, train), options.Imputation, metrics, cancellationToken);
            imputedTrain = imputation.Imputed;
            imputedTest = imputation.Impute(models.Matrix(metrics, test), cancellationToken).Imputed;
            if (options.Predictors.Kind == PredictorKind.PrincipalComponents)
            {
                var direction = metrics.Select(m => models.Metrics[m].HigherIsBetter).ToArray();
                space = CapabilitySpace.Fit(imputedTrain, metrics, options.Pca, direction, cancellationToken);
                scoresTrain = space.Scores;
                scoresTest = space.Project(imputedTest);
            }
        }

        // 5'. Or the item-response capability, fitted on the training rows' scores alone.
        ItemResponseModel? itemResponse = null;
        if (options.Predictors.Kind == PredictorKind.IrtCapability)
        {
            (itemResponse, scoresTrain, scoresTest) = FitItemResponse(models, train, test, options, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();

        // 6. Predictor values; rows missing them are dropped from their own part.
        var xTrain = Predictors(models, train, options, scoresTrain, imputedTrain, dropped, out var trainRows);
        var xTest = Predictors(models, test, options, scoresTest, imputedTest, dropped, out var testRows);
        yTrain = trainRows.Select(r => yTrain[r]).ToArray();
        yTest = testRows.Select(r => yTest[r]).ToArray();
        train = trainRows.Select(r => train[r]).ToArray();
        test = testRows.Select(r => test[r]).ToArray();
        RequireNonEmpty(train, test, options, dropped);

        // 7. Fit (and, when asked, what puts intervals on its forecasts).
        var trainMatrix = ToMatrix(xTrain, options.Predictors.Dimension);
        var law = ScalingLawFitter.Fit(trainMatrix, yTrain, options.Law, cancellationToken);
        IntervalModel? intervalModel = null;
        if (options.Intervals is { } intervalOptions)
        {
            var families = train.Select(i => models[i].Family).ToArray();
            intervalModel = LawIntervals.Fit(trainMatrix, yTrain, families, law, options.Law, intervalOptions, cancellationToken);
        }

        // 9. Equivalent compute from the reference family's rows (train ∪ test).
        var reference = train.Zip(xTrain).Concat(test.Zip(xTest))
            .Where(t => models[t.First].Family == options.ReferenceFamily && models[t.First].FlopsE21 is not null)
            .ToArray();
        var equivalent = EquivalentCompute.TryFit(
            options.ReferenceFamily,
            reference.Select(t => law.Capability(t.Second)).ToArray(),
            reference.Select(t => models[t.First].FlopsE21!.Value).ToArray());

        var trainPred = Predict(models, train, xTrain, yTrain, law, equivalent, intervalModel, inTrain: true);
        var testPred = Predict(models, test, xTest, yTest, law, equivalent, intervalModel, inTrain: false);
        double? coverage = intervalModel is null ? null : testPred.Count(p => p.Interval!.Contains(p.Observed)) / (double)testPred.Length;

        return new HoldoutResult
        {
            Options = options,
            Law = law,
            Train = trainPred,
            Test = testPred,
            TrainMse = trainPred.Average(p => p.Error * p.Error),
            TestMse = testPred.Average(p => p.Error * p.Error),
            TestMae = testPred.Average(p => Math.Abs(p.Error)),
            Space = space,
            Imputation = imputation,
            ItemResponse = itemResponse,
            Equivalent = equivalent,
            Dropped = dropped,
            Coverage = coverage,
            Intervals = intervalModel,
        };
    }

    /// <summary>
    /// Runs the same analysis with several predictor sets (e.g. PC-1..3 against the compute baselines)
    /// on the same split, in order.
    /// </summary>
    public static IReadOnlyList<HoldoutResult> Compare(ModelSet models, HoldoutOptions options, IEnumerable<PredictorSet> predictorSets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predictorSets);
        return predictorSets.Select(p => Run(models, options with { Predictors = p }, cancellationToken)).ToArray();
    }

    /// <summary>
    /// Fits the item-response model on the training rows with any capability score (a row with none cannot be placed
    /// and is dropped later for lack of its predictor) and places the test rows with the benchmarks frozen, as a later
    /// forecast from the stored fit does. Returns each part's capabilities as a one-column predictor matrix.
    /// </summary>
    private static (ItemResponseModel Model, double[,] Train, double[,] Test) FitItemResponse(ModelSet models, int[] train, int[] test, HoldoutOptions o, CancellationToken cancellationToken)
    {
        var benchmarks = o.CapabilityMetrics.Select(m => models.Metrics[m]).ToArray();
        var fitted = train.Select(i => models[i]).Where(m => CapabilityScores(m, o).Count > 0).ToArray();
        var model = ItemResponseModel.Fit(fitted, benchmarks, o.Irt, cancellationToken);
        var byName = model.Capabilities.ToDictionary(c => c.Model, c => c.Capability, StringComparer.Ordinal);
        var xTrain = new double[train.Length, 1];
        for (var r = 0; r < train.Length; r++)
        {
            xTrain[r, 0] = byName.TryGetValue(models[train[r]].Name, out var c) ? c : double.NaN;
        }

        var xTest = new double[test.Length, 1];
        for (var r = 0; r < test.Length; r++)
        {
            var scores = CapabilityScores(models[test[r]], o);
            xTest[r, 0] = scores.Count > 0 ? model.Estimate(models[test[r]].Name, scores).Capability : double.NaN;
        }

        return (model, xTrain, xTest);
    }

    private static Dictionary<string, double> CapabilityScores(ModelRecord m, HoldoutOptions o)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var metric in o.CapabilityMetrics)
        {
            if (m.Scores.TryGetValue(metric, out var v) && double.IsFinite(v))
            {
                scores[metric] = v;
            }
        }

        return scores;
    }

    private static void Validate(ModelSet models, HoldoutOptions o)
    {
        var v = new ViolationCollector();
        if (string.IsNullOrWhiteSpace(o.Target) || !models.Metrics.ContainsKey(o.Target))
        {
            v.Add("target", o.Target ?? "", "unknown metric");
        }

        for (var j = 0; j < o.CapabilityMetrics.Count; j++)
        {
            var m = o.CapabilityMetrics[j];
            if (!models.Metrics.ContainsKey(m))
            {
                v.Add($"capability_metrics[{j}]", m, "unknown metric");
            }
            else if (m == o.Target)
            {
                v.Add($"capability_metrics[{j}]", m, "the target cannot also be a capability metric (it would leak into its own predictors)");
            }
        }

        if (o.CapabilityMetrics.Distinct(StringComparer.Ordinal).Count() != o.CapabilityMetrics.Count)
        {
            v.Add("capability_metrics", string.Join(",", o.CapabilityMetrics), "duplicate metric");
        }

        if (o.Transform.Kind == TargetTransformKind.MinMax && !(o.Transform.High > o.Transform.Low && double.IsFinite(o.Transform.Low) && double.IsFinite(o.Transform.High)))
        {
            v.Add("transform", o.Transform.ToString(), "min–max needs finite low < high");
        }

        switch (o.Predictors.Kind)
        {
            case PredictorKind.PrincipalComponents:
                if (o.Predictors.Components < 1 || o.Predictors.Components > o.Pca.Components)
                {
                    v.Add("predictors", o.Predictors.ToString(), $"the number of PCs must be between 1 and the PCA's {o.Pca.Components} components");
                }

                break;
            case PredictorKind.Metrics:
                if (o.Predictors.MetricNames.Count == 0)
                {
                    v.Add("predictors", "", "name at least one metric");
                }

                foreach (var m in o.Predictors.MetricNames.Where(m => !models.Metrics.ContainsKey(m)))
                {
                    v.Add("predictors", m, "unknown metric");
                }

                break;
            case PredictorKind.IrtCapability:
                ValidateItemResponse(v, models, o);
                break;
        }

        if (o.Split.UsesColumn && o.Split.Column != HoldoutSplit.TargetColumn && !models.HasColumn(o.Split.Column))
        {
            v.Add("split.column", o.Split.Column, "unknown metric or column");
        }

        v.ThrowIfAny();
    }

    private static void ValidateItemResponse(ViolationCollector v, ModelSet models, HoldoutOptions o)
    {
        if (o.CapabilityMetrics.Count < 2)
        {
            v.Add("capability_metrics", string.Join(",", o.CapabilityMetrics), "an IRT capability needs at least two benchmarks");
        }

        for (var j = 0; j < o.CapabilityMetrics.Count; j++)
        {
            // The item-response curve runs from the floor to 1: a score on another scale has no place on it.
            if (models.Metrics.TryGetValue(o.CapabilityMetrics[j], out var info) && (info.Min < 0 || info.Max > 1))
            {
                v.Add($"capability_metrics[{j}]", info.Name, $"an IRT capability reads scores in [0, 1]; the metric is declared on [{info.Min.ToString("R", CultureInfo.InvariantCulture)}, {info.Max.ToString("R", CultureInfo.InvariantCulture)}]");
            }
        }

        if (o.Irt.AnchorBenchmark is { } anchor && !o.CapabilityMetrics.Contains(anchor))
        {
            v.Add("irt.anchor_benchmark", anchor, "not one of the capability metrics");
        }

        ScoreCells.CheckOptions(v, o.Irt);
    }

    private static void RequireNonEmpty(int[] train, int[] test, HoldoutOptions o, List<DroppedModel>? dropped = null)
    {
        var v = new ViolationCollector();
        var why = dropped is { Count: > 0 }
            ? " (left out: " + string.Join("; ", dropped.Take(12).Select(d => $"{d.Model}: {d.Reason}")) + (dropped.Count > 12 ? $"; … {dropped.Count - 12} more" : "") + ")"
            : "";
        if (train.Length == 0)
        {
            v.Add("split", o.Split.Describe(), "no model with the target and predictors left to fit on" + why);
        }

        if (test.Length == 0)
        {
            v.Add("split", o.Split.Describe(), "no model with the target and predictors left to forecast" + why);
        }

        v.ThrowPreconditionIfAny();
    }

    private static double[][] Predictors(ModelSet models, int[] rows, HoldoutOptions o, double[,]? scores, double[,]? imputed, List<DroppedModel> dropped, out int[] keptRows)
    {
        var d = o.Predictors.Dimension;
        var values = new List<double[]>();
        var keep = new List<int>();
        for (var r = 0; r < rows.Length; r++)
        {
            var m = models[rows[r]];
            var x = new double[d];
            switch (o.Predictors.Kind)
            {
                case PredictorKind.PrincipalComponents or PredictorKind.IrtCapability:
                    for (var j = 0; j < d; j++)
                    {
                        x[j] = scores![r, j];
                    }

                    break;
                case PredictorKind.LogFlops:
                    x[0] = m.FlopsE21 is { } f ? PredictorSet.LogCompute(f) : double.NaN;
                    break;
                case PredictorKind.LogParameters:
                    x[0] = m.ParametersB is { } p ? PredictorSet.LogCompute(p) : double.NaN;
                    break;
                case PredictorKind.Metrics:
                    for (var j = 0; j < d; j++)
                    {
                        var name = o.Predictors.MetricNames[j];
                        var at = IndexOf(o.CapabilityMetrics, name);
                        x[j] = at >= 0 && imputed is not null ? imputed[r, at] : m.Score(name);
                    }

                    break;
            }

            if (x.All(double.IsFinite))
            {
                values.Add(x);
                keep.Add(r);
            }
            else
            {
                dropped.Add(new DroppedModel(m.Name, $"no value for predictor {o.Predictors}"));
            }
        }

        keptRows = keep.ToArray();
        return [.. values];
    }

    private static double[,] ToMatrix(double[][] rows, int d)
    {
        var result = new double[rows.Length, d];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < d; j++)
            {
                result[i, j] = rows[i][j];
            }
        }

        return result;
    }

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static ModelPrediction[] Predict(ModelSet models, int[] rows, double[][] x, double[] y, FittedLaw law, EquivalentCompute? eq, IntervalModel? intervals, bool inTrain)
    {
        var result = new ModelPrediction[rows.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            var m = models[rows[r]];
            var capability = law.Capability(x[r]);
            result[r] = new ModelPrediction(m.Name, m.Family, inTrain, x[r], y[r], law.ApplyLink(capability), capability, eq?.ToLog10Flops(capability))
            {
                Interval = intervals?.Interval(x[r]),
            };
        }

        return result;
    }
}
