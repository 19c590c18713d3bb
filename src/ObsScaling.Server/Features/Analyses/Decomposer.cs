using System.Globalization;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Efficiency;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Irt;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Features;

/// <summary>
/// A dataset's capability space as the contract reports it, computed once per dataset version and request: used by
/// Decompose and by the plots drawn from a decomposition. A cached decomposition answers at once; a new one waits
/// for a compute slot like any other heavy analysis.
/// </summary>
internal sealed class Decomposer(IDatasetStore store, DecompositionCache cache, HeavyWork work)
{
    public Task<V1.Decomposition> DecomposeAsync(string id, V1.DecomposeRequest request, CancellationToken cancellationToken)
    {
        var current = store.GetDataset(id) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));
        return cache.GetOrAddAsync(id, current.Etag, request, () => work.RunAsync(ct => Compute(id, request, ct), cancellationToken));
    }

    private V1.Decomposition Compute(string id, V1.DecomposeRequest request, CancellationToken cancellationToken)
    {
        var irt = request.CapabilityModel switch
        {
            V1.CapabilityModel.Unspecified or V1.CapabilityModel.Pca => false,
            V1.CapabilityModel.Irt => true,
            var c => throw new ObsValidationException("capability_model", c.ToString(), "unknown capability model"),
        };
        var (dataset, models) = store.LoadDataset(id);
        var metrics = Metrics(models, request.Metrics, "metrics");
        var imputation = PcaImputer.Fit(models.Matrix(metrics), SpecMapping.ToImputation(request.Imputation, "imputation"), metrics, cancellationToken);
        if (request.Components < 0)
        {
            throw new ObsValidationException("components", request.Components.ToString(CultureInfo.InvariantCulture), "must not be negative");
        }

        var space = CapabilitySpace.Fit(
            imputation.Imputed,
            metrics,
            new PcaOptions { Components = request.Components == 0 ? PcaOptions.DefaultComponents(metrics.Length) : request.Components, Standardize = request.Standardize },
            metrics.Select(m => models.Metrics[m].HigherIsBetter).ToArray(),
            cancellationToken);

        var result = new V1.Decomposition
        {
            Components = space.Components,
            ImputationIterations = imputation.Iterations,
            ImputationConverged = imputation.Converged,
            DatasetEtag = dataset.Etag,
        };
        result.Metrics.AddRange(metrics);
        result.ExplainedVariance.AddRange(space.ExplainedVariance);
        result.ExplainedVarianceRatio.AddRange(space.ExplainedVarianceRatio);
        for (var c = 0; c < space.Components; c++)
        {
            for (var j = 0; j < metrics.Length; j++)
            {
                result.Loadings.Add(space.Loadings[c, j]);
            }
        }

        for (var i = 0; i < models.Count; i++)
        {
            var m = models[i];
            var mc = new V1.ModelCapability { Model = m.Name, Family = m.Family ?? "" };
            for (var c = 0; c < space.Components; c++)
            {
                mc.PcScores.Add(space.Scores[i, c]);
            }

            if (m.FlopsE21 is { } f)
            {
                mc.FlopsE21 = f;
            }

            result.Models.Add(mc);
            for (var j = 0; j < metrics.Length; j++)
            {
                if (imputation.Missing[i, j])
                {
                    result.ImputedCells.Add(new V1.ImputedCell { Model = m.Name, Metric = metrics[j], Value = imputation.Imputed[i, j] });
                }
            }
        }

        var minModels = request.MinFamilyModels == 0 ? 3 : request.MinFamilyModels;
        if (minModels < 2)
        {
            throw new ObsValidationException("min_family_models", minModels.ToString(CultureInfo.InvariantCulture), "a line needs at least 2 models");
        }

        result.Families.AddRange(FamilyEfficiency.FitAll(space.Scores, models.Models.Select(m => m.Family).ToArray(), models.Column(ModelColumns.FlopsE21), minModels).Select(ToProto));
        if (irt)
        {
            AddItemResponse(result, models, metrics, request.Irt, minModels, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// The item-response model on the same metrics, fitted on every model with a score on one of them (a model with
    /// none cannot be placed and is left out). Its option errors are named as the request's <c>irt</c> fields.
    /// </summary>
    private static void AddItemResponse(V1.Decomposition result, ModelSet models, string[] metrics, V1.IrtSettings? settings, int minFamilyModels, CancellationToken cancellationToken)
    {
        var v = new List<FieldViolation>();
        for (var j = 0; j < metrics.Length; j++)
        {
            var info = models.Metrics[metrics[j]];
            if (info.Min < 0 || info.Max > 1)
            {
                v.Add(new FieldViolation($"metrics[{j}]", info.Name, $"an IRT capability reads scores in [0, 1]; the metric is declared on [{info.Min.ToString("R", CultureInfo.InvariantCulture)}, {info.Max.ToString("R", CultureInfo.InvariantCulture)}]"));
            }
        }

        if (v.Count > 0)
        {
            throw new ObsValidationException(v);
        }

        var scored = models.Models.Where(m => metrics.Any(x => m.Scores.TryGetValue(x, out var s) && double.IsFinite(s))).ToArray();
        var model = ItemResponseModel.Fit(scored, metrics.Select(x => models.Metrics[x]).ToArray(), SpecMapping.ToIrt(settings), cancellationToken);
        result.ItemResponse = FitMapping.ToProto(model);
        for (var i = 0; i < scored.Length; i++)
        {
            var c = model.Capabilities[i];
            result.IrtModels.Add(new V1.IrtCapability { Model = c.Model, Family = scored[i].Family ?? "", Capability = c.Capability, StandardError = c.StandardError, BenchmarkCount = c.BenchmarkCount });
        }

        var capability = new double[scored.Length, 1];
        for (var i = 0; i < scored.Length; i++)
        {
            capability[i, 0] = model.Capabilities[i].Capability;
        }

        var flops = scored.Select(m => m.FlopsE21 is { } f ? f : double.NaN).ToArray();
        result.IrtFamilies.AddRange(FamilyEfficiency.FitAll(capability, scored.Select(m => m.Family).ToArray(), flops, minFamilyModels).Select(ToProto));
    }

    private static V1.FamilyEfficiencyFit ToProto(FamilyEfficiency f) => new()
    {
        Family = f.Family,
        Component = f.Component,
        Slope = f.Fit.Slope,
        Intercept = f.Fit.Intercept,
        RSquared = f.Fit.RSquared,
        N = f.Fit.N,
        SlopeCiLow = f.Fit.SlopeLower,
        SlopeCiHigh = f.Fit.SlopeUpper,
        InterceptCiLow = f.Fit.InterceptLower,
        InterceptCiHigh = f.Fit.InterceptUpper,
    };

    /// <summary>The metrics a request names (default: every [0, 1] metric), each known and given once, at least two.</summary>
    internal static string[] Metrics(ModelSet models, Google.Protobuf.Collections.RepeatedField<string> requested, string field)
    {
        var metrics = requested.Count > 0 ? requested.ToArray() : SpecMapping.DefaultCapabilityMetrics(models, null);
        var v = new List<FieldViolation>();
        for (var i = 0; i < metrics.Length; i++)
        {
            if (!models.Metrics.ContainsKey(metrics[i]))
            {
                v.Add(new FieldViolation($"{field}[{i}]", metrics[i], "unknown metric"));
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < metrics.Length; i++)
        {
            // A repeated column is an exactly collinear pair: it doubles the metric's weight in every component.
            if (!seen.Add(metrics[i]))
            {
                v.Add(new FieldViolation($"{field}[{i}]", metrics[i], $"duplicate metric (first given at {field}[{Array.IndexOf(metrics, metrics[i])}])"));
            }
        }

        if (metrics.Length < 2)
        {
            v.Add(new FieldViolation(field, string.Join(",", metrics), "a capability space needs at least 2 metrics"));
        }

        return v.Count > 0 ? throw new ObsValidationException(v) : metrics;
    }
}
