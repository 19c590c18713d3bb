using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Laws;
using ObsScaling.Core.Techniques;
using ObsScaling.Core.Uncertainty;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Features;

/// <summary>CompareTechniques: post-training techniques compared on one capability axis, in reference-equivalent compute.</summary>
internal sealed class TechniqueHandlers(IDatasetStore store, HeavyWork work)
{
    public async Task CompareTechniques(V1.CompareTechniquesRequest request, IServerStreamWriter<V1.CompareTechniquesEvent> responseStream, ServerCallContext context)
    {
        var id = CallScope.DatasetId("dataset", request.Dataset, context);
        var (dataset, models) = store.LoadDataset(id);
        if (string.IsNullOrWhiteSpace(request.Baseline))
        {
            throw new ObsValidationException("baseline", "", "required: the technique the others are measured against");
        }

        var techniques = request.Techniques.ToArray();
        var all = techniques.Append(request.Baseline).ToHashSet(StringComparer.Ordinal);
        var capability = request.CapabilityMetrics.Count > 0
            ? request.CapabilityMetrics.ToArray()
            : SpecMapping.DefaultCapabilityMetrics(models, null).Where(m => !all.Contains(m)).ToArray();
        var lawSpec = new V1.FitSpec { Link = request.Link, Loss = request.Loss == V1.Loss.Unspecified ? V1.Loss.Huber : request.Loss, HuberDelta = request.HuberDelta };
        var defaults = new TechniqueComparisonOptions { Baseline = "", Techniques = [], CapabilityMetrics = [] };
        var options = new TechniqueComparisonOptions
        {
            Baseline = request.Baseline,
            Techniques = techniques,
            CapabilityMetrics = capability,
            Components = Unset.Or(request.Components, defaults.Components),
            Split = SpecMapping.ToSplit(request.Split, "split"),
            Law = SpecMapping.ToLaw(lawSpec, ""),
            ReferenceFamily = Unset.Or(request.ReferenceFamily, defaults.ReferenceFamily),
            GridFrom = request.HasGridFrom ? request.GridFrom : defaults.GridFrom,
            GridTo = request.HasGridTo ? request.GridTo : defaults.GridTo,
            GridPoints = Unset.Or(request.GridPoints, defaults.GridPoints),
            Intervals = request.NoIntervals ? null : Intervals(request.Intervals),
        };

        var latest = new V1.Progress { Stage = "decomposing", Fraction = 0, Message = $"comparing {techniques.Length + 1} techniques" };
        await responseStream.WriteAsync(new V1.CompareTechniquesEvent { Progress = latest }, context.CancellationToken).ConfigureAwait(false);
        var found = await work.RunAsync<TechniqueComparisonResult, TechniqueProgress>(
            (progress, ct) => TechniqueComparison.Compare(models, options, progress, ct),
            p => responseStream.WriteAsync(new V1.CompareTechniquesEvent { Progress = new V1.Progress { Stage = p.Stage, Fraction = p.Fraction, Message = p.Stage } }, context.CancellationToken),
            context.CancellationToken).ConfigureAwait(false);
        var result = new V1.TechniqueComparison { Baseline = found.Baseline, Resamples = found.Resamples, Level = double.IsFinite(found.Level) ? found.Level : 0, DatasetEtag = dataset.Etag };
        result.CapabilityMetrics.AddRange(capability);
        foreach (var law in found.Laws)
        {
            var l = new V1.TechniqueLaw
            {
                Technique = law.Technique,
                Intercept = law.Law.Intercept,
                Floor = law.Law.Link == LawLink.SigmoidWithFloor ? law.Law.Floor : 0,
                TrainModels = law.TrainModels,
                TrainMse = law.Law.TrainMse,
                EquivalentSlope = law.Equivalent.Slope,
                EquivalentIntercept = law.Equivalent.Intercept,
            };
            l.Weights.AddRange(law.Law.Weights);
            result.Laws.Add(l);
        }

        foreach (var p in found.Curve)
        {
            var point = new V1.TechniquePoint { Log10FlopsE21 = p.Log10FlopsE21, Technique = p.Technique, Predicted = p.Predicted, Gain = p.Gain };
            if (double.IsFinite(p.PredictedLower))
            {
                point.PredictedLower = p.PredictedLower;
                point.PredictedUpper = p.PredictedUpper;
            }

            if (double.IsFinite(p.GainLower))
            {
                point.GainLower = p.GainLower;
                point.GainUpper = p.GainUpper;
            }

            result.Points.Add(point);
        }

        foreach (var c in found.Crossings)
        {
            var crossing = new V1.TechniqueCrossing { Earlier = c.Earlier, Later = c.Later, Log10FlopsE21 = c.Log10FlopsE21, Value = c.Value };
            if (double.IsFinite(c.Lower))
            {
                crossing.Lower = c.Lower;
                crossing.Upper = c.Upper;
            }

            if (double.IsFinite(c.CrossingShare))
            {
                crossing.CrossingShare = c.CrossingShare;
            }

            result.Crossings.Add(crossing);
        }

        await responseStream.WriteAsync(new V1.CompareTechniquesEvent { Result = result }, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Default: family bootstrap, 200 paired resamples (each refits every technique).</summary>
    private static IntervalOptions? Intervals(V1.IntervalSettings? settings)
    {
        var s = settings?.Clone() ?? new V1.IntervalSettings();
        if (s.Method == V1.IntervalMethod.Unspecified)
        {
            s.Method = V1.IntervalMethod.FamilyBootstrap;
        }

        if (s.Resamples == 0)
        {
            s.Resamples = 200;
        }

        return SpecMapping.ToIntervals(s, "intervals");
    }
}
