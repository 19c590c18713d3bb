using System.Globalization;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Laws;
using ObsScaling.Plots;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Mapping;

/// <summary>Builds the figures' inputs from stored fits, decompositions and backtest rows.</summary>
internal static class PlotMapping
{
    // Points of the drawn law: enough for a smooth sigmoid at any figure width.
    private const int CurveSamples = 200;

    /// <summary>Kind, format and size of a request; every bad one reported at once.</summary>
    public static PlotOptions ToOptions(V1.RenderPlotRequest request)
    {
        var v = new List<FieldViolation>();
        if (request.Kind == V1.PlotKind.Unspecified || !Enum.IsDefined(request.Kind))
        {
            v.Add(new FieldViolation("kind", request.Kind.ToString(), "say which figure: SCALING_CURVE, EXPLAINED_VARIANCE, LOADINGS, FAMILY_EFFICIENCY, BACKTEST_COMPARISON or BENCHMARK_ITEMS"));
        }

        if (!Enum.IsDefined(request.Format))
        {
            v.Add(new FieldViolation("format", request.Format.ToString(), "must be PNG or SVG"));
        }

        var options = new PlotOptions(
            request.HasWidth ? request.Width : PlotOptions.DefaultWidth,
            request.HasHeight ? request.Height : PlotOptions.DefaultHeight,
            request.Format == V1.PlotFormat.Svg ? PlotFormat.Svg : PlotFormat.Png,
            string.IsNullOrWhiteSpace(request.Title) ? null : request.Title);
        try
        {
            options.Validate();
        }
        catch (ObsValidationException ex)
        {
            v.AddRange(ex.Violations);
        }

        return v.Count > 0 ? throw new ObsValidationException(v) : options;
    }

    public static V1.PlotImage ToProto(RenderedPlot plot, V1.PlotKind kind) => new()
    {
        Content = Google.Protobuf.ByteString.CopyFrom(plot.Content),
        MediaType = plot.MediaType,
        Width = plot.Width,
        Height = plot.Height,
        Kind = kind,
    };

    /// <summary>
    /// The fit's models on the metric's own scale against reference-equivalent compute (the capability itself when
    /// the fit has no equivalence), the law along that axis, and a band from the models' forecast intervals.
    /// </summary>
    public static ScalingCurveData ToScalingCurve(V1.Fit fit, string field)
    {
        if (!fit.Predictions.Any(p => !p.InTrain))
        {
            throw new ObsValidationException(field, fit.Name, "the fit has no held-out (test) models to draw; fit it with a split that holds some out");
        }

        var transform = FitMapping.ToTransform(fit.Spec);
        var law = FitMapping.ToDomain(fit.Law);
        var equivalent = FitMapping.ToDomain(fit.Equivalent);
        Func<double, double> axis = equivalent is null ? c => c : equivalent.ToLog10Flops;
        var points = fit.Predictions
            .Select(p => new CurvePoint(p.Model, string.IsNullOrEmpty(p.Family) ? null : p.Family, axis(p.Capability), transform.Invert(p.Observed), p.InTrain))
            .ToArray();

        // An interval belongs to a point of the predictor space, not to a capability value: draw the band at the
        // points of the line through the train models' mean along the law's gradient, where c + w·x takes each value.
        var intervals = FitMapping.ToDomain(fit.Intervals, law);
        var path = GradientPath(law, fit.Predictions.Where(p => p.InTrain && p.Predictors.Count == law.Dimension).ToArray());
        var lo = fit.Predictions.Min(p => p.Capability);
        var hi = fit.Predictions.Max(p => p.Capability);
        var pad = Math.Max(1e-9, 0.04 * (hi - lo));
        var curve = new CurveSample[CurveSamples];
        for (var i = 0; i < CurveSamples; i++)
        {
            var c = lo - pad + ((hi - lo + (2 * pad)) * i / (CurveSamples - 1));
            var y = law.ApplyLink(c);
            double? lower = null, upper = null;
            if (intervals is not null && path is not null)
            {
                var interval = intervals.Interval(path(c));
                lower = Bounded(transform, interval.Lower);
                upper = Bounded(transform, interval.Upper);
            }

            curve[i] = new CurveSample(axis(c), transform.Invert(y), lower, upper);
        }

        var target = fit.Spec.Target;
        var note = $"{fit.Law.Formula}\ntrain MSE {G3(fit.TrainMse)} · test MSE {G3(fit.TestMse)}" + (fit.HasCoverage ? $" · test coverage {G3(100 * fit.Coverage)}%" : "");
        return new ScalingCurveData(
            points,
            curve,
            equivalent is null ? "capability c + w·x" : $"{equivalent.ReferenceFamily}-equivalent FLOPs",
            target,
            LogFlopsAxis: equivalent is not null,
            $"{target}: {fit.Name[(fit.Name.LastIndexOf('/') + 1)..]}",
            note,
            fit.Intervals is { Level: > 0 } e ? e.Level : null);
    }

    public static DecompositionData ToDecomposition(string dataset, V1.Decomposition d)
    {
        var loadings = new double[d.Components, d.Metrics.Count];
        for (var c = 0; c < d.Components; c++)
        {
            for (var j = 0; j < d.Metrics.Count; j++)
            {
                loadings[c, j] = d.Loadings[(c * d.Metrics.Count) + j];
            }
        }

        return new DecompositionData(dataset, d.Metrics.ToArray(), d.ExplainedVarianceRatio.ToArray(), loadings);
    }

    /// <summary>Each family with an efficiency fit on <paramref name="component"/>, with its models that have FLOPs.</summary>
    public static FamilyEfficiencyData ToFamilyEfficiency(string dataset, V1.Decomposition d, int component, string field)
    {
        if (component < 1 || component > d.Components)
        {
            throw new ObsValidationException(field, component.ToString(CultureInfo.InvariantCulture), $"must be between 1 and the {d.Components} components decomposed");
        }

        var fits = d.Families.Where(f => f.Component == component).ToArray();
        if (fits.Length == 0)
        {
            throw new ObsPreconditionException("dataset", dataset, "no family has enough models with FLOPs for an efficiency fit");
        }

        var lines = fits.Select(f => new FamilyLine(
            f.Family,
            d.Models.Where(m => m.Family == f.Family && m.HasFlopsE21 && m.FlopsE21 > 0)
                .Select(m => new FamilyPoint(m.Model, Math.Log10(m.FlopsE21), m.PcScores[component - 1]))
                .ToArray(),
            f.Slope,
            f.Intercept,
            f.RSquared)).ToArray();
        return new FamilyEfficiencyData(dataset, component, lines);
    }

    /// <summary>Each family's item-response capability C against its compute, with the decomposition's line fits on C.</summary>
    public static FamilyEfficiencyData ToIrtFamilyEfficiency(string dataset, V1.Decomposition d)
    {
        if (d.IrtFamilies.Count == 0)
        {
            throw new ObsPreconditionException("dataset", dataset, "no family has enough models with FLOPs and an IRT capability for an efficiency fit");
        }

        var flops = d.Models.Where(m => m.HasFlopsE21 && m.FlopsE21 > 0).ToDictionary(m => m.Model, m => m.FlopsE21, StringComparer.Ordinal);
        var lines = d.IrtFamilies.Select(f => new FamilyLine(
            f.Family,
            d.IrtModels.Where(m => m.Family == f.Family && flops.ContainsKey(m.Model))
                .Select(m => new FamilyPoint(m.Model, Math.Log10(flops[m.Model]), m.Capability))
                .ToArray(),
            f.Slope,
            f.Intercept,
            f.RSquared)).ToArray();
        return new FamilyEfficiencyData(dataset, 1, lines, "IRT capability C");
    }

    /// <summary>
    /// Every benchmark's curve sampled by the engine's own item formula over the placed models' capability range
    /// (and the difficulties), with each placed model's observed scores at its capability.
    /// </summary>
    public static BenchmarkItemsData ToBenchmarkItems(string dataset, V1.Decomposition d, ModelSet models)
    {
        var irt = FitMapping.ToDomain(d.ItemResponse);
        var placed = d.IrtModels.Where(m => double.IsFinite(m.Capability)).ToArray();
        var span = placed.Select(m => m.Capability).Concat(irt.Benchmarks.Select(b => b.Difficulty)).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        var lo = span.Min();
        var hi = span.Max();
        var pad = Math.Max(0.5, 0.08 * (hi - lo));
        var grid = Enumerable.Range(0, CurveSamples).Select(i => lo - pad + ((hi - lo + (2 * pad)) * i / (CurveSamples - 1))).ToArray();
        var curves = irt.Benchmarks
            .Select(b => new BenchmarkCurve(b.Name, b.Difficulty, b.Slope, b.IsAnchor, grid.Select(c => new ItemCurvePoint(c, b.ExpectedScore(c))).ToArray()))
            .ToArray();
        var byName = models.Models.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var scores = placed
            .Where(m => byName.ContainsKey(m.Model))
            .SelectMany(m => irt.Benchmarks
                .Where(b => byName[m.Model].Scores.TryGetValue(b.Name, out var s) && double.IsFinite(s))
                .Select(b => new BenchmarkScore(b.Name, m.Capability, byName[m.Model].Scores[b.Name])))
            .ToArray();
        return new BenchmarkItemsData(dataset, curves, scores);
    }

    public static BacktestComparisonData ToBacktest(string title, IEnumerable<V1.BacktestRow> rows) =>
        new(title, rows.Select(r => new BacktestBar(r.Predictors, r.TrainMse, r.TestMse, string.IsNullOrEmpty(r.Unavailable) ? null : r.Unavailable)).ToArray());

    public static BacktestComparisonData ToBacktest(string title, V1.RenderPlotRequest request)
    {
        var bars = request.BacktestBars.Select(b => new BacktestBar(b.Label, b.TrainMse, b.TestMse, string.IsNullOrEmpty(b.Unavailable) ? null : b.Unavailable)).ToArray();
        var sweeps = request.BacktestSweep
            .GroupBy(p => p.Label, StringComparer.Ordinal)
            .Select(g => new BacktestSweep(g.Key, g.Select(p => (p.HeldOutShare, p.TestMse)).ToArray()))
            .ToArray();
        return new BacktestComparisonData(title, bars, sweeps);
    }

    /// <summary>x(c) = x̄ + (c − c(x̄))·w/|w|², or null when the law has no predictors to move along.</summary>
    private static Func<double, double[]>? GradientPath(FittedLaw law, V1.Prediction[] train)
    {
        var w = law.Weights;
        var norm = w.Sum(v => v * v);
        if (train.Length == 0 || norm <= 0 || !double.IsFinite(norm))
        {
            return null;
        }

        var mean = new double[w.Count];
        foreach (var p in train)
        {
            for (var k = 0; k < mean.Length; k++)
            {
                mean[k] += p.Predictors[k] / train.Length;
            }
        }

        var at = law.Capability(mean);
        return c =>
        {
            var x = new double[mean.Length];
            for (var k = 0; k < x.Length; k++)
            {
                x[k] = mean[k] + ((c - at) * w[k] / norm);
            }

            return x;
        };
    }

    // A min–max target is a share of the way from chance to perfect; its interval cannot leave that range.
    private static double Bounded(TargetTransform transform, double t) =>
        transform.Invert(transform.Kind == TargetTransformKind.MinMax ? Math.Clamp(t, 0, 1) : t);

    private static string G3(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
