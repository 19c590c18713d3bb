using System.Globalization;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Equivalence;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Irt;
using ObsScaling.Core.Laws;
using ObsScaling.Core.Uncertainty;

namespace ObsScaling.Core.Forecasting;

/// <summary>
/// A fitted law made ready to forecast new models: the law, what it reads (<see cref="PredictorSet"/>), its target
/// transform, the frozen capability space and imputation of a PC law, its interval model and equivalent-compute
/// line. It owns the predictor transforms and the input rules, so a forecast from a stored law computes its
/// predictors exactly as the fit did (<see cref="PredictorSet.LogCompute"/>, the same projection).
/// Violations name fields relative to the input (<c>scores[mmlu]</c>, <c>flops_e21</c>); a caller re-roots them.
/// Not thread-safe: it reuses buffers between forecasts, so each stream of forecasts has its own.
/// </summary>
public sealed class StoredLaw
{
    private readonly FittedLaw _law;
    private readonly CapabilitySpace? _space;
    private readonly PcaImputation? _imputation;
    private readonly IntervalModel? _intervals;
    private readonly EquivalentCompute? _equivalent;
    private readonly ItemResponseModel? _itemResponse;
    private readonly IReadOnlyDictionary<string, MetricInfo> _declared;
    private readonly double[] _x;
    private readonly double[] _scratch;

    public StoredLaw(
        FittedLaw law,
        PredictorSet predictors,
        TargetTransform transform,
        CapabilitySpace? space = null,
        PcaImputation? imputation = null,
        IntervalModel? intervals = null,
        EquivalentCompute? equivalent = null,
        IReadOnlyDictionary<string, MetricInfo>? declared = null,
        ItemResponseModel? itemResponse = null)
    {
        ArgumentNullException.ThrowIfNull(law);
        ArgumentNullException.ThrowIfNull(predictors);
        _law = law;
        Predictors = predictors;
        Transform = transform;
        _space = space;
        _imputation = imputation;
        _intervals = intervals;
        _equivalent = equivalent;
        _itemResponse = itemResponse;
        _declared = declared ?? new Dictionary<string, MetricInfo>();
        _x = new double[law.Weights.Count];
        _scratch = new double[intervals?.Members.Count ?? 0];
    }

    public PredictorSet Predictors { get; }

    /// <summary>The law of a holdout analysis, ready to forecast; <paramref name="declared"/> bounds its input scores.</summary>
    public static StoredLaw From(HoldoutResult fit, IReadOnlyDictionary<string, MetricInfo>? declared = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return new StoredLaw(fit.Law, fit.Options.Predictors, fit.Options.Transform, fit.Space, fit.Imputation, fit.Intervals, fit.Equivalent, declared, fit.ItemResponse);
    }

    public TargetTransform Transform { get; }

    /// <summary>The benchmarks the law reads from a model: its predictor metrics, or its capability space's or item-response model's.</summary>
    public IReadOnlyList<string> InputMetrics => Predictors.Kind switch
    {
        PredictorKind.Metrics => Predictors.MetricNames,
        PredictorKind.IrtCapability => _itemResponse?.Benchmarks.Select(b => b.Name).ToArray() ?? [],
        _ => _space?.Metrics ?? [],
    };

    /// <summary>
    /// What this law reads from a known model: its FLOPs or size for compute laws, otherwise its scores on the law's
    /// metrics (its other scores, the target among them, are not inputs). Refused, naming the model, when it lacks them.
    /// </summary>
    public LawInput InputFor(ModelRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var input = new LawInput(model.Name, model.Family);
        switch (Predictors.Kind)
        {
            case PredictorKind.LogFlops:
                return input with { FlopsE21 = model.FlopsE21 ?? throw new ObsValidationException("", model.Name, "the model has no FLOPs, which this ln-FLOPs law needs") };
            case PredictorKind.LogParameters:
                return input with { ParametersB = model.ParametersB ?? throw new ObsValidationException("", model.Name, "the model has no parameter count, which this ln-params law needs") };
            default:
                var scores = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var metric in InputMetrics)
                {
                    if (model.Scores.TryGetValue(metric, out var v) && double.IsFinite(v))
                    {
                        scores[metric] = v;
                    }
                }

                return scores.Count > 0
                    ? input with { Scores = scores }
                    : throw new ObsValidationException("", model.Name, $"the model has none of the law's metrics ({string.Join(", ", InputMetrics)})");
        }
    }

    public LawForecast Forecast(LawInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ReadPredictors(input);
        var capability = _law.Capability(_x);
        var predicted = _law.ApplyLink(capability);
        double? lower = null, upper = null, lowerRaw = null, upperRaw = null, equivalent = null;
        if (_intervals is not null)
        {
            var interval = _intervals.Interval(_x, _scratch);
            (lower, upper) = (interval.Lower, interval.Upper);
            (lowerRaw, upperRaw) = (Transform.Invert(interval.Lower), Transform.Invert(interval.Upper));
        }

        if (_equivalent?.ToLog10Flops(capability) is { } e && double.IsFinite(e))
        {
            equivalent = e;
        }

        return new LawForecast(predicted, Transform.Invert(predicted), capability, _x.ToArray(), lower, upper, lowerRaw, upperRaw, equivalent);
    }

    private void ReadPredictors(LawInput input)
    {
        switch (Predictors.Kind)
        {
            case PredictorKind.PrincipalComponents:
                FromCapability(input);
                break;
            case PredictorKind.IrtCapability:
                FromItemResponse(input);
                break;
            case PredictorKind.LogFlops:
                _x[0] = PredictorSet.LogCompute(Positive(input.FlopsE21, "flops_e21", "a ln-FLOPs law needs flops_e21"));
                break;
            case PredictorKind.LogParameters:
                _x[0] = PredictorSet.LogCompute(Positive(input.ParametersB, "parameters_b", "a ln-params law needs parameters_b"));
                break;
            case PredictorKind.Metrics:
                var names = Predictors.MetricNames;
                if (input.Scores is not { } given)
                {
                    throw new ObsValidationException("scores", "", "a benchmark law needs scores");
                }

                for (var j = 0; j < names.Count; j++)
                {
                    _x[j] = given.TryGetValue(names[j], out var v) && double.IsFinite(v)
                        ? InDeclaredRange(names[j], v)
                        : throw new ObsValidationException($"scores[{names[j]}]", R(v), "required finite score");
                }

                break;
            default:
                throw new ObsValidationException("predictors", Predictors.Kind.ToString(), "unknown predictor kind");
        }
    }

    private void FromCapability(LawInput input)
    {
        var k = _x.Length;
        if (input.Coordinates is { } coordinates)
        {
            if (coordinates.Count != k)
            {
                throw new ObsValidationException("coordinates", coordinates.Count.ToString(CultureInfo.InvariantCulture), $"this law has {k} PC coordinates; give exactly {k}");
            }

            for (var j = 0; j < k; j++)
            {
                var v = coordinates[j];
                _x[j] = double.IsFinite(v) ? v : throw new ObsValidationException($"coordinates[{j}]", R(v), "must be finite");
            }

            return;
        }

        if (input.Scores is not { } scores || _space is null || _imputation is null)
        {
            throw new ObsValidationException("", Given(input), "a PC law forecasts from scores or coordinates");
        }

        var metrics = _space.Metrics;
        var row = new double[1, metrics.Count];
        var observed = 0;
        for (var j = 0; j < metrics.Count; j++)
        {
            if (scores.TryGetValue(metrics[j], out var v))
            {
                if (!double.IsFinite(v))
                {
                    throw new ObsValidationException($"scores[{metrics[j]}]", R(v), "must be finite (leave it out when not evaluated)");
                }

                row[0, j] = InDeclaredRange(metrics[j], v);
                observed++;
            }
            else
            {
                row[0, j] = double.NaN;
            }
        }

        var unknown = scores.Keys.FirstOrDefault(key => !metrics.Contains(key));
        if (unknown is not null)
        {
            throw new ObsValidationException($"scores[{unknown}]", unknown, $"not a metric of this law's capability space ({string.Join(", ", metrics)})");
        }

        if (observed == 0)
        {
            throw new ObsValidationException("scores", "{}", "give at least one of the capability metrics");
        }

        var completed = observed == metrics.Count ? row : _imputation.Impute(row).Imputed;
        var pcs = _space.Project(completed);
        for (var j = 0; j < k; j++)
        {
            _x[j] = pcs[0, j];
        }
    }

    /// <summary>
    /// The capability C of the model from whatever subset of the fit's benchmarks it gives, the benchmarks' parameters
    /// frozen (<see cref="ItemResponseModel.Estimate"/>): no imputation, a missing benchmark is simply not evidence.
    /// </summary>
    private void FromItemResponse(LawInput input)
    {
        if (input.Coordinates is { } coordinates)
        {
            if (coordinates.Count != 1)
            {
                throw new ObsValidationException("coordinates", coordinates.Count.ToString(CultureInfo.InvariantCulture), "an IRT-capability law has one coordinate, the capability C; give exactly 1");
            }

            _x[0] = double.IsFinite(coordinates[0]) ? coordinates[0] : throw new ObsValidationException("coordinates[0]", R(coordinates[0]), "must be finite");
            return;
        }

        if (input.Scores is not { } scores || _itemResponse is null)
        {
            throw new ObsValidationException("", Given(input), "an IRT-capability law forecasts from scores or its one coordinate (the capability C)");
        }

        var benchmarks = _itemResponse.Benchmarks;
        foreach (var (metric, v) in scores)
        {
            if (!benchmarks.Any(b => b.Name == metric))
            {
                throw new ObsValidationException($"scores[{metric}]", metric, $"not a benchmark of this law's item-response model ({string.Join(", ", benchmarks.Select(b => b.Name))})");
            }

            if (!double.IsFinite(v))
            {
                throw new ObsValidationException($"scores[{metric}]", R(v), "must be finite (leave it out when not evaluated)");
            }

            InDeclaredRange(metric, v);
        }

        if (scores.Count == 0)
        {
            throw new ObsValidationException("scores", "{}", "give at least one of the capability metrics");
        }

        _x[0] = _itemResponse.Estimate(input.Model, scores).Capability;
    }

    /// <summary>
    /// A score outside its metric's declared range (a percentage given for a 0–1 metric, say) would be projected and
    /// imputed as if it were real and produce a confident, wrong forecast; it is refused instead.
    /// </summary>
    private double InDeclaredRange(string metric, double v) =>
        !_declared.TryGetValue(metric, out var info) || info.Contains(v)
            ? v
            : throw new ObsValidationException($"scores[{metric}]", R(v), $"outside the metric's declared range [{R(info.Min)}, {R(info.Max)}]");

    private static double Positive(double? v, string field, string description) =>
        v is { } x && x > 0 && double.IsFinite(x) ? x : throw new ObsValidationException(field, R(v ?? double.NaN), description + " (a positive number)");

    /// <summary>Which of the input's forms was given, for a refusal that says what came instead.</summary>
    private static string Given(LawInput input) =>
        input.Scores is not null ? "Scores" : input.Coordinates is not null ? "Coordinates" : input.FlopsE21 is not null ? "FlopsE21" : input.ParametersB is not null ? "ParametersB" : "None";

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
