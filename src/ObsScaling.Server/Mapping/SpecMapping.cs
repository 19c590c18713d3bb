using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Laws;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Mapping;

/// <summary>
/// Turns the contract's analysis settings into the engine's options. Unset values take the engine's defaults (the
/// reference's), read from the Core option types through <see cref="Unset"/>, so a minimal request names only the
/// target. An enum value this mapping does not know is refused, never read as a default.
/// </summary>
internal static class SpecMapping
{
    public static HoldoutOptions ToOptions(V1.FitSpec spec, ModelSet models, string field = "spec")
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(spec.Target))
        {
            throw new ObsValidationException($"{field}.target", "", "required: the metric to forecast");
        }

        var defaults = new HoldoutOptions { Target = spec.Target, CapabilityMetrics = [] };
        var capability = spec.CapabilityMetrics.Count > 0
            ? spec.CapabilityMetrics.ToArray()
            : DefaultCapabilityMetrics(models, spec.Target);
        return new HoldoutOptions
        {
            Target = spec.Target,
            Transform = ToTransform(spec.Transform, field + ".transform"),
            Predictors = ToPredictors(spec.Predictors, field + ".predictors"),
            CapabilityMetrics = capability,
            Imputation = ToImputation(spec.Imputation, field + ".imputation"),
            Pca = new PcaOptions { Components = Unset.Or(spec.PcaComponents, PcaOptions.DefaultComponents(capability.Length)) },
            Law = ToLaw(spec, field),
            Split = ToSplit(spec.Split, field + ".split"),
            ExcludeFromTrain = spec.ExcludeFromTrain.ToArray(),
            ReferenceFamily = Unset.Or(spec.ReferenceFamily, defaults.ReferenceFamily),
            Intervals = ToIntervals(spec.Intervals, field + ".intervals"),
            Irt = ToIrt(spec.Irt),
        };
    }

    public static Core.Irt.IrtOptions ToIrt(V1.IrtSettings? s)
    {
        var o = new Core.Irt.IrtOptions();
        return s is null ? o : o with
        {
            AnchorBenchmark = string.IsNullOrEmpty(s.AnchorBenchmark) ? o.AnchorBenchmark : s.AnchorBenchmark,
            ChanceFloors = s.ChanceFloors,
            Ridge = s.HasRidge ? s.Ridge : o.Ridge,
        };
    }

    public static Core.Uncertainty.IntervalOptions? ToIntervals(V1.IntervalSettings? s, string field)
    {
        if (s is null || s.Method == V1.IntervalMethod.Unspecified)
        {
            return null;
        }

        var o = new Core.Uncertainty.IntervalOptions();
        return o with
        {
            Method = s.Method switch
            {
                V1.IntervalMethod.Parametric => Core.Uncertainty.IntervalMethod.Parametric,
                V1.IntervalMethod.ModelBootstrap => Core.Uncertainty.IntervalMethod.ModelBootstrap,
                V1.IntervalMethod.FamilyBootstrap => Core.Uncertainty.IntervalMethod.FamilyBootstrap,
                var m => throw new ObsValidationException(field + ".method", m.ToString(), "unknown interval method"),
            },
            Level = Unset.Or(s.Level, o.Level),
            Resamples = Unset.Or(s.Resamples, o.Resamples),
            Seed = s.HasSeed ? s.Seed : o.Seed,
        };
    }

    /// <summary>Every declared metric on [0, 1] except <paramref name="exclude"/>: the benchmarks of a typical dataset.</summary>
    public static string[] DefaultCapabilityMetrics(ModelSet models, string? exclude) =>
        models.OrderedMetrics().Where(m => m.Name != exclude && m.Min == 0 && m.Max == 1).Select(m => m.Name).ToArray();

    public static TargetTransform ToTransform(V1.Transform? t, string field) => (t?.Kind ?? V1.TransformKind.Unspecified) switch
    {
        V1.TransformKind.Unspecified or V1.TransformKind.None => TargetTransform.None,
        V1.TransformKind.MinMax => TargetTransform.MinMax(t!.Low, t.High == 0 && t.Low == 0 ? 1 : t.High),
        V1.TransformKind.Logit => TargetTransform.Logit,
        V1.TransformKind.Log => TargetTransform.Log,
        var k => throw new ObsValidationException(field + ".kind", k.ToString(), "unknown transform"),
    };

    public static PredictorSet ToPredictors(V1.Predictors? p, string field) => (p?.Kind ?? V1.PredictorKind.Unspecified) switch
    {
        V1.PredictorKind.Unspecified or V1.PredictorKind.PrincipalComponents => PredictorSet.PrincipalComponents(Unset.Or(p?.Components ?? 0, HoldoutOptions.DefaultPredictorComponents)),
        V1.PredictorKind.LogFlops => PredictorSet.LogFlops,
        V1.PredictorKind.LogParameters => PredictorSet.LogParameters,
        V1.PredictorKind.Metrics => PredictorSet.Metrics([.. p!.Metrics]),
        V1.PredictorKind.IrtCapability => PredictorSet.IrtCapability,
        var k => throw new ObsValidationException(field + ".kind", k.ToString(), "unknown predictor kind"),
    };

    public static PcaImputationOptions ToImputation(V1.ImputationSettings? s, string field)
    {
        var o = new PcaImputationOptions();
        if (s is null)
        {
            return o;
        }

        if (s.Components < 0 || s.MaxIterations < 0 || s.Tolerance < 0 || double.IsNaN(s.Tolerance))
        {
            throw new ObsValidationException(field, s.ToString(), "components, max_iterations and tolerance must not be negative");
        }

        return o with
        {
            Components = Unset.Or(s.Components, o.Components),
            MaxIterations = Unset.Or(s.MaxIterations, o.MaxIterations),
            Tolerance = Unset.Or(s.Tolerance, o.Tolerance),
        };
    }

    public static ScalingLawOptions ToLaw(V1.FitSpec spec, string field)
    {
        var o = new ScalingLawOptions();
        return o with
        {
            Link = spec.Link switch
            {
                V1.Link.Unspecified or V1.Link.SigmoidWithFloor => LawLink.SigmoidWithFloor,
                V1.Link.Sigmoid => LawLink.Sigmoid,
                V1.Link.Linear => LawLink.Linear,
                var l => throw new ObsValidationException(field + ".link", l.ToString(), "unknown link"),
            },
            Loss = spec.Loss switch
            {
                V1.Loss.Unspecified or V1.Loss.Squared => LossKind.Squared,
                V1.Loss.Huber => LossKind.Huber,
                var l => throw new ObsValidationException(field + ".loss", l.ToString(), "unknown loss"),
            },
            HuberDelta = Unset.Or(spec.HuberDelta, o.HuberDelta),
            FloorMax = Unset.Or(spec.FloorMax, o.FloorMax),
        };
    }

    public static HoldoutSplit ToSplit(V1.Split? s, string field)
    {
        if (s is null || s.Kind == V1.SplitKind.Unspecified)
        {
            return HoldoutSplit.Default;
        }

        var column = Unset.Or(s.Column, ModelColumns.FlopsE21);
        var seed = s.HasSeed ? s.Seed : HoldoutSplit.DefaultSeed;
        return s.Kind switch
        {
            V1.SplitKind.Cutoff => HoldoutSplit.Cutoff(column, s.Threshold),
            V1.SplitKind.CutoffRatio => HoldoutSplit.CutoffRatio(column, s.Fraction),
            V1.SplitKind.Top => HoldoutSplit.Top(column, s.Count),
            V1.SplitKind.TopFraction => HoldoutSplit.TopFraction(column, s.Fraction),
            V1.SplitKind.Random => s.Count > 0 ? HoldoutSplit.RandomCount(s.Count, seed) : HoldoutSplit.Random(s.Fraction, seed),
            V1.SplitKind.Explicit => HoldoutSplit.Explicit(s.TestModels),
            var k => throw new ObsValidationException(field + ".kind", k.ToString(), "unknown split kind"),
        };
    }
}
