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
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Features;

/// <summary>The capability space itself: Decompose, and the V-optimal model subsets of SelectSubset.</summary>
internal sealed class AnalysisHandlers(IDatasetStore store, Decomposer decomposer, HeavyWork work)
{
    public Task<V1.Decomposition> Decompose(V1.DecomposeRequest request, ServerCallContext context) =>
        decomposer.DecomposeAsync(CallScope.DatasetId("dataset", request.Dataset, context), request, context.CancellationToken);

    public async Task SelectSubset(V1.SelectSubsetRequest request, IServerStreamWriter<V1.SelectSubsetEvent> responseStream, ServerCallContext context)
    {
        var id = CallScope.DatasetId("dataset", request.Dataset, context);
        var (_, models) = store.LoadDataset(id);
        var metrics = Decomposer.Metrics(models, request.Metrics, "metrics");
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
        var defaults = new SubsetSearchOptions { Budgets = SubsetSearchOptions.DefaultBudgets };
        var options = new SubsetSearchOptions
        {
            Budgets = Unset.Or(request.Budgets, defaults.Budgets),
            MaxFamilies = Unset.Or(request.MaxFamilies, defaults.MaxFamilies),
            IncludeFamily = string.IsNullOrEmpty(request.IncludeFamily) ? defaults.IncludeFamily : request.IncludeFamily,
            Components = Unset.Or(request.Components, defaults.Components),
            Method = request.Method switch
            {
                V1.SubsetSearchMethod.Auto => SubsetSearchMethod.Auto,
                V1.SubsetSearchMethod.Exhaustive => SubsetSearchMethod.Exhaustive,
                V1.SubsetSearchMethod.GreedyExchange => SubsetSearchMethod.GreedyExchange,
                _ => throw new ObsValidationException("method", request.Method.ToString(), "one of SUBSET_SEARCH_METHOD_AUTO, _EXHAUSTIVE, _GREEDY_EXCHANGE"),
            },
            AutoThreshold = Unset.Or(request.AutoThreshold, defaults.AutoThreshold),
        };

        var found = await work.RunAsync<SubsetSearchResult, SubsetSearchProgress>(
            (progress, ct) =>
            {
                // The pool's PCA is heavy work too (wide or degenerate data): it runs in the slot, under the deadline.
                var space = CapabilitySpace.Fit(PcaImputer.Fit(pool.Matrix(metrics), null, metrics, ct).Imputed, metrics, new PcaOptions { Components = PcaOptions.DefaultComponents(metrics.Length) }, cancellationToken: ct);
                return FieldPaths.Run(() => SubsetSelector.Search(space.Scores, pool.Models.Select(m => m.Family!).ToArray(), pool.Models.Select(m => m.Name).ToArray(), options, progress, ct), FieldPaths.InSelectSubset);
            },
            p => responseStream.WriteAsync(new V1.SelectSubsetEvent { Progress = new V1.Progress { Stage = "searching", Fraction = p.Fraction, Message = options.Method == SubsetSearchMethod.GreedyExchange ? "greedy search with exchanges" : "searching family combinations" } }, context.CancellationToken),
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
}
