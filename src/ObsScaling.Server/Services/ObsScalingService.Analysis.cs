using System.Globalization;
using Grpc.Core;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Efficiency;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Selection;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Services;

internal sealed partial class ObsScalingService
{
    /// <summary>A cached decomposition answers at once; a new one waits for a compute slot like any other heavy analysis.</summary>
    public override Task<V1.Decomposition> Decompose(V1.DecomposeRequest request, ServerCallContext context)
    {
        var id = DatasetId("dataset", request.Dataset, context);
        var current = store.GetDataset(id) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));
        return decompositions.GetOrAddAsync(id, current.Etag, request, () => compute.RunAsync(() => ComputeDecomposition(id, request, context), context.CancellationToken));
    }

    private V1.Decomposition ComputeDecomposition(string id, V1.DecomposeRequest request, ServerCallContext context)
    {
        var (dataset, models) = store.LoadDataset(id);
        var metrics = Metrics(models, request.Metrics, "metrics");
        var imputation = PcaImputer.Fit(models.Matrix(metrics), SpecMapping.ToImputation(request.Imputation, "imputation"), metrics, context.CancellationToken);
        if (request.Components < 0)
        {
            throw new ObsValidationException("components", request.Components.ToString(CultureInfo.InvariantCulture), "must not be negative");
        }

        var space = CapabilitySpace.Fit(
            imputation.Imputed,
            metrics,
            new PcaOptions { Components = request.Components == 0 ? Math.Min(5, metrics.Length) : request.Components, Standardize = request.Standardize },
            metrics.Select(m => models.Metrics[m].HigherIsBetter).ToArray(),
            context.CancellationToken);

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

        var families = FamilyEfficiency.FitAll(space.Scores, models.Models.Select(m => m.Family).ToArray(), models.Column(ModelColumns.FlopsE21), minModels);
        result.Families.AddRange(families.Select(f => new V1.FamilyEfficiencyFit
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
        }));
        return result;
    }

    public override async Task SelectSubset(V1.SelectSubsetRequest request, IServerStreamWriter<V1.SelectSubsetEvent> responseStream, ServerCallContext context)
    {
        var id = DatasetId("dataset", request.Dataset, context);
        var (_, models) = store.LoadDataset(id);
        var metrics = Metrics(models, request.Metrics, "metrics");
        var pool = models;
        if (request.PoolSplit is { Kind: not V1.SplitKind.Unspecified } split)
        {
            var s = SpecMapping.ToSplit(split, "pool_split");
            if (s.UsesColumn && !models.HasColumn(s.Column))
            {
                throw new ObsValidationException("pool_split.column", s.Column, "unknown metric or column");
            }

            var assigned = s.Assign(models.Models.Select(m => m.Name).ToArray(), s.UsesColumn ? models.Column(s.Column) : null);
            pool = models.Select(assigned.Train);
        }

        if (request.Families.Count > 0)
        {
            var wanted = request.Families.ToHashSet(StringComparer.Ordinal);
            pool = pool.Where(m => m.Family is { } f && wanted.Contains(f));
        }

        if (request.ExcludeModelsWithMissing)
        {
            pool = pool.Where(m => metrics.All(x => !double.IsNaN(m.Score(x))));
        }

        var unnamed = pool.Models.Select((m, i) => (m, i)).Where(x => x.m.Family is null).ToArray();
        if (unnamed.Length > 0)
        {
            throw new ObsValidationException(unnamed.Select(x => new FieldViolation($"models[{x.m.Name}].family", "", "subset selection needs every pooled model's family")).ToArray());
        }

        if (pool.Count < 2)
        {
            throw new ObsPreconditionException("dataset", id, $"the pool has {pool.Count} model(s); subset selection needs more");
        }

        await responseStream.WriteAsync(new V1.SelectSubsetEvent { Progress = new V1.Progress { Stage = "decomposing", Fraction = 0, Message = $"imputing and decomposing {pool.Count} models" } }, context.CancellationToken).ConfigureAwait(false);
        var budgets = request.Budgets.Count > 0 ? request.Budgets.ToArray() : Enumerable.Range(1, 9).Select(i => 4 * i).ToArray();
        var options = new SubsetSearchOptions
        {
            Budgets = budgets,
            MaxFamilies = request.MaxFamilies == 0 ? 10 : request.MaxFamilies,
            IncludeFamily = string.IsNullOrEmpty(request.IncludeFamily) ? null : request.IncludeFamily,
            Components = request.Components == 0 ? 3 : request.Components,
            Method = request.Method switch
            {
                V1.SubsetSearchMethod.Auto => SubsetSearchMethod.Auto,
                V1.SubsetSearchMethod.Exhaustive => SubsetSearchMethod.Exhaustive,
                V1.SubsetSearchMethod.GreedyExchange => SubsetSearchMethod.GreedyExchange,
                _ => throw new ObsValidationException("method", request.Method.ToString(), "one of SUBSET_SEARCH_METHOD_AUTO, _EXHAUSTIVE, _GREEDY_EXCHANGE"),
            },
            AutoThreshold = request.AutoThreshold == 0 ? 2_000_000 : request.AutoThreshold,
        };

        // The search reports progress from worker threads; forward the latest to the stream from this one.
        var latest = 0.0;
        var search = compute.RunAsync(
            () =>
            {
                // The pool's PCA is heavy work too (wide or degenerate data): it runs in the slot, under the deadline.
                var space = CapabilitySpace.Fit(PcaImputer.Fit(pool.Matrix(metrics), null, metrics, context.CancellationToken).Imputed, metrics, new PcaOptions { Components = Math.Min(5, metrics.Length) }, cancellationToken: context.CancellationToken);
                return FieldPaths.Run(() => SubsetSelector.Search(space.Scores, pool.Models.Select(m => m.Family!).ToArray(), pool.Models.Select(m => m.Name).ToArray(), options, new SynchronousProgress(p => Volatile.Write(ref latest, p.Fraction)), context.CancellationToken), FieldPaths.InSelectSubset);
            },
            context.CancellationToken);
        var found = await WhileRunningAsync(
            search,
            () => responseStream.WriteAsync(new V1.SelectSubsetEvent { Progress = new V1.Progress { Stage = "searching", Fraction = Volatile.Read(ref latest), Message = options.Method == SubsetSearchMethod.GreedyExchange ? "greedy search with exchanges" : "searching family combinations" } }, context.CancellationToken),
            context.CancellationToken).ConfigureAwait(false);
        var selection = new V1.SubsetSelection
        {
            Combinations = found.Combinations,
            PoolSize = pool.Count,
            Method = found.Method == SubsetSearchMethod.Exhaustive ? V1.SubsetSearchMethod.Exhaustive : V1.SubsetSearchMethod.GreedyExchange,
            Evaluations = found.Evaluations,
        };
        foreach (var c in found.Choices)
        {
            var choice = new V1.SubsetChoice { Budget = c.Budget };
            if (double.IsFinite(c.Objective))
            {
                choice.Objective = c.Objective;
            }

            choice.Families.AddRange(c.Families);
            choice.Models.AddRange(c.Models);
            var cost = SubsetCost.Of(pool, c.Models);
            choice.Cost = new V1.SubsetCost
            {
                Models = cost.Models,
                PoolModels = cost.PoolModels,
                ParametersB = cost.ParametersB,
                PoolParametersB = cost.PoolParametersB,
                FlopsE21 = cost.FlopsE21,
                PoolFlopsE21 = cost.PoolFlopsE21,
                UnknownParameters = cost.UnknownParameters,
                PoolUnknownParameters = cost.PoolUnknownParameters,
                UnknownFlops = cost.UnknownFlops,
                PoolUnknownFlops = cost.PoolUnknownFlops,
            };
            selection.Choices.Add(choice);
        }

        await responseStream.WriteAsync(new V1.SelectSubsetEvent { Result = selection }, context.CancellationToken).ConfigureAwait(false);
    }

    private static string[] Metrics(ModelSet models, Google.Protobuf.Collections.RepeatedField<string> requested, string field)
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

    /// <summary>IProgress that runs its callback inline (System.Progress posts to a context we do not want).</summary>
    private sealed class SynchronousProgress(Action<SubsetSearchProgress> report) : IProgress<SubsetSearchProgress>
    {
        public void Report(SubsetSearchProgress value) => report(value);
    }
}
