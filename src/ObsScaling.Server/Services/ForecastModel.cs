using System.Globalization;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Equivalence;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Laws;
using ObsScaling.Server.Mapping;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Services;

/// <summary>A stored fit made ready to answer forecasts: the law, its frozen capability space and transform.</summary>
internal sealed class ForecastModel
{
    private readonly FittedLaw _law;
    private readonly TargetTransform _transform;
    private readonly EquivalentCompute? _equivalent;
    private readonly CapabilitySpace? _space;
    private readonly PcaImputation? _imputation;
    private readonly V1.PredictorKind _kind;
    private readonly string[] _metricPredictors;
    private readonly double[] _x;
    private readonly Core.Uncertainty.IntervalModel? _intervals;
    private readonly double[] _scratch;
    private readonly Dictionary<string, MetricInfo> _declared;

    private ForecastModel(V1.Fit fit)
    {
        _law = FitMapping.ToDomain(fit.Law) with { TrainMse = fit.TrainMse };
        _intervals = FitMapping.ToDomain(fit.Intervals, _law);
        _scratch = new double[_intervals?.Members.Count ?? 0];
        _transform = FitMapping.ToTransform(fit.Spec);
        _equivalent = FitMapping.ToDomain(fit.Equivalent);
        _kind = fit.Spec.Predictors?.Kind ?? V1.PredictorKind.Unspecified;
        _metricPredictors = fit.Spec.Predictors?.Metrics.ToArray() ?? [];
        if (fit.Space is not null)
        {
            (_space, _imputation) = FitMapping.ToDomain(fit.Space);
        }

        _declared = fit.InputMetrics.ToDictionary(m => m.Name, m => m.ToDomain(), StringComparer.Ordinal);
        _x = new double[_law.Weights.Count];
        DatasetEtag = fit.DatasetEtag;
    }

    public string DatasetEtag { get; }

    public static ForecastModel From(V1.Fit fit) => new(fit);

    public V1.ForecastResult Predict(V1.ForecastInput input, long sequence)
    {
        Predictors(input, sequence);
        var capability = _law.Capability(_x);
        var predicted = _law.ApplyLink(capability);
        var result = new V1.ForecastResult
        {
            Model = input.Model,
            Predicted = predicted,
            PredictedRaw = _transform.Invert(predicted),
            Capability = capability,
            Sequence = sequence,
        };
        result.Predictors.AddRange(_x);
        if (_intervals is not null)
        {
            var interval = _intervals.Interval(_x, _scratch);
            result.Lower = interval.Lower;
            result.Upper = interval.Upper;
            result.LowerRaw = _transform.Invert(interval.Lower);
            result.UpperRaw = _transform.Invert(interval.Upper);
        }
        if (_equivalent?.ToLog10Flops(capability) is { } e && double.IsFinite(e))
        {
            result.EquivalentLog10FlopsE21 = e;
        }

        return result;
    }

    private void Predictors(V1.ForecastInput input, long sequence)
    {
        // The field path is only needed for an error message; build it then, not for every forecast.
        var at = new FieldPath(sequence);
        switch (_kind)
        {
            case V1.PredictorKind.Unspecified or V1.PredictorKind.PrincipalComponents:
                FromCapability(input, at);
                break;
            case V1.PredictorKind.LogFlops:
                _x[0] = PredictorSet.LogCompute(Positive(input.ByCase == V1.ForecastInput.ByOneofCase.FlopsE21 ? input.FlopsE21 : double.NaN, at, ".flops_e21", "a ln-FLOPs law needs flops_e21"));
                break;
            case V1.PredictorKind.LogParameters:
                _x[0] = PredictorSet.LogCompute(Positive(input.ByCase == V1.ForecastInput.ByOneofCase.ParametersB ? input.ParametersB : double.NaN, at, ".parameters_b", "a ln-params law needs parameters_b"));
                break;
            case V1.PredictorKind.Metrics:
                if (input.ByCase != V1.ForecastInput.ByOneofCase.Scores)
                {
                    throw new ObsValidationException(at + ".scores", "", "a benchmark law needs scores");
                }

                for (var j = 0; j < _metricPredictors.Length; j++)
                {
                    _x[j] = input.Scores.Values.TryGetValue(_metricPredictors[j], out var v) && double.IsFinite(v)
                        ? InDeclaredRange(_metricPredictors[j], v, at)
                        : throw new ObsValidationException($"{at}.scores[{_metricPredictors[j]}]", v.ToString("R", CultureInfo.InvariantCulture), "required finite score");
                }

                break;
        }
    }

    private void FromCapability(V1.ForecastInput input, FieldPath at)
    {
        var k = _x.Length;
        switch (input.ByCase)
        {
            case V1.ForecastInput.ByOneofCase.Coordinates:
                if (input.Coordinates.Values.Count != k)
                {
                    throw new ObsValidationException(at + ".coordinates", input.Coordinates.Values.Count.ToString(CultureInfo.InvariantCulture), $"this law has {k} PC coordinates; give exactly {k}");
                }

                for (var j = 0; j < k; j++)
                {
                    var v = input.Coordinates.Values[j];
                    _x[j] = double.IsFinite(v) ? v : throw new ObsValidationException($"{at}.coordinates[{j}]", v.ToString("R", CultureInfo.InvariantCulture), "must be finite");
                }

                break;
            case V1.ForecastInput.ByOneofCase.Scores when _space is not null && _imputation is not null:
                var metrics = _space.Metrics;
                var row = new double[1, metrics.Count];
                var observed = 0;
                for (var j = 0; j < metrics.Count; j++)
                {
                    if (input.Scores.Values.TryGetValue(metrics[j], out var v))
                    {
                        if (!double.IsFinite(v))
                        {
                            throw new ObsValidationException($"{at}.scores[{metrics[j]}]", v.ToString("R", CultureInfo.InvariantCulture), "must be finite (leave it out when not evaluated)");
                        }

                        row[0, j] = InDeclaredRange(metrics[j], v, at);
                        observed++;
                    }
                    else
                    {
                        row[0, j] = double.NaN;
                    }
                }

                var unknown = input.Scores.Values.Keys.FirstOrDefault(key => !metrics.Contains(key));
                if (unknown is not null)
                {
                    throw new ObsValidationException($"{at}.scores[{unknown}]", unknown, $"not a metric of this law's capability space ({string.Join(", ", metrics)})");
                }

                if (observed == 0)
                {
                    throw new ObsValidationException(at + ".scores", "{}", "give at least one of the capability metrics");
                }

                var completed = observed == metrics.Count ? row : _imputation.Impute(row).Imputed;
                var pcs = _space.Project(completed);
                for (var j = 0; j < k; j++)
                {
                    _x[j] = pcs[0, j];
                }

                break;
            default:
                throw new ObsValidationException(at.ToString(), input.ByCase.ToString(), "a PC law forecasts from scores or coordinates");
        }
    }

    /// <summary>
    /// A score outside its metric's declared range (a percentage given for a 0–1 metric, say) would be projected and
    /// imputed as if it were real and produce a confident, wrong forecast; it is refused instead.
    /// </summary>
    private double InDeclaredRange(string metric, double v, FieldPath at) =>
        !_declared.TryGetValue(metric, out var info) || info.Contains(v)
            ? v
            : throw new ObsValidationException($"{at}.scores[{metric}]", v.ToString("R", CultureInfo.InvariantCulture), $"outside the metric's declared range [{info.Min.ToString("R", CultureInfo.InvariantCulture)}, {info.Max.ToString("R", CultureInfo.InvariantCulture)}]");

    /// <summary>"inputs[i]" built on demand.</summary>
    private readonly struct FieldPath(long sequence)
    {
        public static string operator +(FieldPath path, string suffix) => path.ToString() + suffix;

        public override string ToString() => $"inputs[{sequence.ToString(CultureInfo.InvariantCulture)}]";
    }

    private static double Positive(double v, FieldPath at, string suffix, string description) =>
        v > 0 && double.IsFinite(v) ? v : throw new ObsValidationException(at + suffix, v.ToString("R", CultureInfo.InvariantCulture), description + " (a positive number)");
}
