using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Plots;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Features;

/// <summary>RenderPlot: the product's figures drawn from the engine's results (a fit, a decomposition, a backtest).</summary>
internal sealed class PlotHandlers(IDatasetStore store, Decomposer decomposer, HeavyWork work)
{
    /// <summary>
    /// The data is gathered first (a decomposition or backtest waits for its own slot), then the figure is drawn in
    /// a compute slot: rendering cannot be interrupted, so its size is bounded (<see cref="PlotOptions.MaxPixels"/>)
    /// and the slot bounds how many bitmaps exist at once.
    /// </summary>
    public async Task<V1.PlotImage> RenderPlot(V1.RenderPlotRequest request, ServerCallContext context)
    {
        var options = PlotMapping.ToOptions(request);
        Func<RenderedPlot> render;
        switch (request.Kind)
        {
            case V1.PlotKind.ScalingCurve:
                var curve = PlotMapping.ToScalingCurve(PlotFit(request, context), "fit");
                render = () => ScalingCurveFigure.Render(curve, options);
                break;
            case V1.PlotKind.ExplainedVariance:
                var variance = PlotMapping.ToDecomposition(PlotDataset(request, context), await PlotDecompose(request, context).ConfigureAwait(false));
                render = () => ExplainedVarianceFigure.Render(variance, options);
                break;
            case V1.PlotKind.Loadings:
                var loadings = PlotMapping.ToDecomposition(PlotDataset(request, context), await PlotDecompose(request, context).ConfigureAwait(false));
                render = () => LoadingsFigure.Render(loadings, options);
                break;
            case V1.PlotKind.FamilyEfficiency:
                var id = PlotDataset(request, context);
                var decomposition = await PlotDecompose(request, context).ConfigureAwait(false);
                var lines = IsIrt(request)
                    ? PlotMapping.ToIrtFamilyEfficiency(id, decomposition)
                    : PlotMapping.ToFamilyEfficiency(id, decomposition, PlotComponent(request), "decomposition.component");
                render = () => FamilyEfficiencyFigure.Render(lines, options);
                break;
            case V1.PlotKind.BenchmarkItems:
                var itemsDataset = PlotDataset(request, context);
                var items = PlotMapping.ToBenchmarkItems(itemsDataset, await PlotDecompose(request, context, V1.CapabilityModel.Irt).ConfigureAwait(false), store.LoadDataset(itemsDataset).Models);
                render = () => BenchmarkItemsFigure.Render(items, options);
                break;
            case V1.PlotKind.BacktestComparison:
                var bars = await PlotBacktest(request, context).ConfigureAwait(false);
                render = () => BacktestComparisonFigure.Render(bars, options);
                break;
            default:
                throw new ObsValidationException("kind", request.Kind.ToString(), "unknown figure");
        }

        var plot = await work.RunAsync(
            ct =>
            {
                ct.ThrowIfCancellationRequested();
                return render();
            },
            context.CancellationToken).ConfigureAwait(false);
        return PlotMapping.ToProto(plot, request.Kind);
    }

    private static int PlotComponent(V1.RenderPlotRequest request) => request.Decomposition is { Component: not 0 } d ? d.Component : 1;

    private static bool IsIrt(V1.RenderPlotRequest request) => request.Decomposition?.CapabilityModel == V1.CapabilityModel.Irt;

    private V1.Fit PlotFit(V1.RenderPlotRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.Fit))
        {
            throw new ObsValidationException("fit", "", $"required for {request.Kind}: datasets/{{dataset}}/fits/{{fit}}");
        }

        var (dataset, fit) = ResourceName.ParseFit("fit", request.Fit);
        context.UserState["dataset"] = dataset;
        return store.GetFit(dataset, fit) ?? throw new ResourceNotFoundException("Fit", request.Fit);
    }

    private static string PlotDataset(V1.RenderPlotRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.Dataset))
        {
            throw new ObsValidationException("dataset", "", $"required for {request.Kind}: datasets/{{dataset}}");
        }

        return CallScope.DatasetId("dataset", request.Dataset, context);
    }

    /// <summary>The same decomposition Decompose returns, its violations named as fields of the plot request.</summary>
    /// <param name="capabilityModel">The capability model the figure needs whatever the request says (BENCHMARK_ITEMS: IRT).</param>
    private async Task<V1.Decomposition> PlotDecompose(V1.RenderPlotRequest request, ServerCallContext context, V1.CapabilityModel? capabilityModel = null)
    {
        var d = request.Decomposition ?? new V1.PlotDecomposition();
        var decompose = new V1.DecomposeRequest
        {
            Dataset = request.Dataset,
            Components = d.Components,
            Standardize = d.Standardize,
            Imputation = d.Imputation,
            MinFamilyModels = d.MinFamilyModels,
            CapabilityModel = capabilityModel ?? d.CapabilityModel,
            Irt = d.Irt,
        };
        decompose.Metrics.AddRange(d.Metrics);
        return await FieldPaths.RunAsync(() => decomposer.DecomposeAsync(CallScope.DatasetId("dataset", request.Dataset, context), decompose, context.CancellationToken), f => f.StartsWith("dataset", StringComparison.Ordinal) ? f : "decomposition." + f).ConfigureAwait(false);
    }

    /// <summary>Rows the client sent, drawn as given; otherwise the fit's spec backtested against the compute baselines.</summary>
    private async Task<BacktestComparisonData> PlotBacktest(V1.RenderPlotRequest request, ServerCallContext context)
    {
        if (request.BacktestBars.Count > 0 || request.BacktestSweep.Count > 0)
        {
            return PlotMapping.ToBacktest("Backtest comparison", request);
        }

        if (string.IsNullOrEmpty(request.Fit))
        {
            throw new ObsValidationException("fit", "", "required for BACKTEST_COMPARISON unless backtest_bars or backtest_sweep are given");
        }

        var fit = PlotFit(request, context);
        var (dataset, _) = ResourceName.ParseFit("fit", request.Fit);
        var (_, models) = store.LoadDataset(dataset);
        var plan = BacktestPlan.From(new V1.BacktestRequest { Dataset = ResourceName.Dataset(dataset), Spec = fit.Spec }, models);
        var table = await work.RunAsync(ct => plan.Run(models, null, ct), context.CancellationToken).ConfigureAwait(false);
        return PlotMapping.ToBacktest($"Backtest: {fit.Spec.Target} ({dataset})", table.Rows.Select(r => BacktestHandlers.ToProto(r, plan.Options)).ToList());
    }
}
