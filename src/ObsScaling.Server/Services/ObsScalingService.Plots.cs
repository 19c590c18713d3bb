using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Plots;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Services;

internal sealed partial class ObsScalingService
{
    /// <summary>
    /// The data is gathered first (a decomposition or backtest waits for its own slot), then the figure is drawn in
    /// a compute slot: rendering cannot be interrupted, so its size is bounded (<see cref="PlotOptions.MaxPixels"/>)
    /// and the slot bounds how many bitmaps exist at once.
    /// </summary>
    public override async Task<V1.PlotImage> RenderPlot(V1.RenderPlotRequest request, ServerCallContext context)
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
                var lines = PlotMapping.ToFamilyEfficiency(PlotDataset(request, context), await PlotDecompose(request, context).ConfigureAwait(false), PlotComponent(request), "decomposition.component");
                render = () => FamilyEfficiencyFigure.Render(lines, options);
                break;
            default:
                var bars = await PlotBacktest(request, context).ConfigureAwait(false);
                render = () => BacktestComparisonFigure.Render(bars, options);
                break;
        }

        var plot = await compute.RunAsync(
            () =>
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                return render();
            },
            context.CancellationToken).ConfigureAwait(false);
        return PlotMapping.ToProto(plot, request.Kind);
    }

    private static int PlotComponent(V1.RenderPlotRequest request) => request.Decomposition is { Component: not 0 } d ? d.Component : 1;

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

        return DatasetId("dataset", request.Dataset, context);
    }

    /// <summary>The same decomposition Decompose returns, its violations named as fields of the plot request.</summary>
    private async Task<V1.Decomposition> PlotDecompose(V1.RenderPlotRequest request, ServerCallContext context)
    {
        var d = request.Decomposition ?? new V1.PlotDecomposition();
        var decompose = new V1.DecomposeRequest
        {
            Dataset = request.Dataset,
            Components = d.Components,
            Standardize = d.Standardize,
            Imputation = d.Imputation,
            MinFamilyModels = d.MinFamilyModels,
        };
        decompose.Metrics.AddRange(d.Metrics);
        return await FieldPaths.RunAsync(() => Decompose(decompose, context), f => f.StartsWith("dataset", StringComparison.Ordinal) ? f : "decomposition." + f).ConfigureAwait(false);
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
        var rows = new CapturedBacktest();
        await Backtest(new V1.BacktestRequest { Dataset = ResourceName.Dataset(dataset), Spec = fit.Spec }, rows, context).ConfigureAwait(false);
        return PlotMapping.ToBacktest($"Backtest: {fit.Spec.Target} ({dataset})", rows.Result?.Rows ?? []);
    }

    /// <summary>Keeps the result of a Backtest run inside this call (its progress has nowhere to go in a unary call).</summary>
    private sealed class CapturedBacktest : IServerStreamWriter<V1.BacktestEvent>
    {
        public V1.BacktestResult? Result { get; private set; }

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(V1.BacktestEvent message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(V1.BacktestEvent message, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (message.EventCase == V1.BacktestEvent.EventOneofCase.Result)
            {
                Result = message.Result;
            }

            return Task.CompletedTask;
        }
    }
}
