using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ObsScaling.Server.Features;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Services;

/// <summary>
/// The obsscaling.v1 service: each RPC is handed to the feature that owns it (datasets and import, fits and
/// forecasts, analyses, the ledger, plots), each with its own dependencies. Engine and store exceptions are turned
/// into statuses by <see cref="Hosting.CallInterceptor"/>.
/// </summary>
internal sealed class ObsScalingService(
    DatasetHandlers datasets,
    FileImportHandlers files,
    FitHandlers fits,
    ForecastHandlers forecasts,
    AnalysisHandlers analyses,
    BacktestHandlers backtests,
    TechniqueHandlers techniques,
    LedgerHandlers ledger,
    PlotHandlers plots) : V1.ObsScaling.ObsScalingBase
{
    public override Task<V1.ImportModelsResponse> ImportModels(IAsyncStreamReader<V1.ImportModelsRequest> requestStream, ServerCallContext context) => datasets.ImportModels(requestStream, context);

    public override Task<V1.ImportModelsResponse> BatchImportModels(V1.BatchImportModelsRequest request, ServerCallContext context) => datasets.BatchImportModels(request, context);

    public override Task<V1.ImportFilesResponse> ImportFiles(IAsyncStreamReader<V1.ImportFilesRequest> requestStream, ServerCallContext context) => files.ImportFiles(requestStream, context);

    public override Task<V1.Dataset> GetDataset(V1.GetDatasetRequest request, ServerCallContext context) => datasets.GetDataset(request, context);

    public override Task<V1.ListDatasetsResponse> ListDatasets(V1.ListDatasetsRequest request, ServerCallContext context) => datasets.ListDatasets(request, context);

    public override Task<Empty> DeleteDataset(V1.DeleteDatasetRequest request, ServerCallContext context) => datasets.DeleteDataset(request, context);

    public override Task<V1.ListModelsResponse> ListModels(V1.ListModelsRequest request, ServerCallContext context) => datasets.ListModels(request, context);

    public override Task<V1.Decomposition> Decompose(V1.DecomposeRequest request, ServerCallContext context) => analyses.Decompose(request, context);

    public override Task CreateFit(V1.CreateFitRequest request, IServerStreamWriter<V1.FitEvent> responseStream, ServerCallContext context) => fits.CreateFit(request, responseStream, context);

    public override Task<V1.Fit> GetFit(V1.GetFitRequest request, ServerCallContext context) => fits.GetFit(request, context);

    public override Task<V1.ListFitsResponse> ListFits(V1.ListFitsRequest request, ServerCallContext context) => fits.ListFits(request, context);

    public override Task<Empty> DeleteFit(V1.DeleteFitRequest request, ServerCallContext context) => fits.DeleteFit(request, context);

    public override Task WatchFits(V1.WatchFitsRequest request, IServerStreamWriter<V1.WatchFitsResponse> responseStream, ServerCallContext context) => fits.WatchFits(request, responseStream, context);

    public override Task Forecast(IAsyncStreamReader<V1.ForecastRequest> requestStream, IServerStreamWriter<V1.ForecastResponse> responseStream, ServerCallContext context) => forecasts.Forecast(requestStream, responseStream, context);

    public override Task<V1.BatchForecastResponse> BatchForecast(V1.BatchForecastRequest request, ServerCallContext context) => forecasts.BatchForecast(request, context);

    public override Task<V1.ListForecastsResponse> ListForecasts(V1.ListForecastsRequest request, ServerCallContext context) => fits.ListForecasts(request, context);

    public override Task Backtest(V1.BacktestRequest request, IServerStreamWriter<V1.BacktestEvent> responseStream, ServerCallContext context) => backtests.Backtest(request, responseStream, context);

    public override Task SelectSubset(V1.SelectSubsetRequest request, IServerStreamWriter<V1.SelectSubsetEvent> responseStream, ServerCallContext context) => analyses.SelectSubset(request, responseStream, context);

    public override Task CompareTechniques(V1.CompareTechniquesRequest request, IServerStreamWriter<V1.CompareTechniquesEvent> responseStream, ServerCallContext context) => techniques.CompareTechniques(request, responseStream, context);

    public override Task<V1.CreatePreregistrationsResponse> CreatePreregistrations(V1.CreatePreregistrationsRequest request, ServerCallContext context) => ledger.CreatePreregistrations(request, context);

    public override Task<V1.Preregistration> GetPreregistration(V1.GetPreregistrationRequest request, ServerCallContext context) => ledger.GetPreregistration(request, context);

    public override Task<V1.ListPreregistrationsResponse> ListPreregistrations(V1.ListPreregistrationsRequest request, ServerCallContext context) => ledger.ListPreregistrations(request, context);

    public override Task<V1.ScorePreregistrationsResponse> ScorePreregistrations(V1.ScorePreregistrationsRequest request, ServerCallContext context) => ledger.ScorePreregistrations(request, context);

    public override Task<V1.PlotImage> RenderPlot(V1.RenderPlotRequest request, ServerCallContext context) => plots.RenderPlot(request, context);
}
