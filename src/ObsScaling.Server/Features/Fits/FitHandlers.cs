using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Features;

/// <summary>Fits: created (streaming their stages), read, paged, deleted and watched; and their recorded forecasts.</summary>
internal sealed class FitHandlers(IDatasetStore store, FitWatchHub hub, HeavyWork work)
{
    public async Task CreateFit(V1.CreateFitRequest request, IServerStreamWriter<V1.FitEvent> responseStream, ServerCallContext context)
    {
        var id = CallScope.DatasetId("parent", request.Parent, context);
        var fitId = string.IsNullOrEmpty(request.FitId) ? "fit-" + Guid.NewGuid().ToString("N")[..10] : ResourceName.RequireId("fit_id", request.FitId);
        if (request.Spec is null)
        {
            throw new ObsValidationException("spec", "", "required: the law to fit");
        }

        if (!request.Replace && store.GetFit(id, fitId) is not null)
        {
            throw new ResourceExistsException("Fit", ResourceName.Fit(id, fitId));
        }

        await responseStream.WriteAsync(FitProgress("loading", 0, $"loading {ResourceName.Dataset(id)}"), context.CancellationToken).ConfigureAwait(false);
        var (dataset, models) = store.LoadDataset(id);
        var options = SpecMapping.ToOptions(request.Spec, models);
        await responseStream.WriteAsync(FitProgress("fitting", 0.2, $"imputing, decomposing and fitting {options.Target} on {models.Count} models"), context.CancellationToken).ConfigureAwait(false);

        var result = await work.RunAsync(ct => FieldPaths.Run(() => HoldoutAnalysis.Run(models, options, ct), FieldPaths.InSpec("spec")), context.CancellationToken).ConfigureAwait(false);
        var now = Timestamp.FromDateTime(DateTime.UtcNow);
        var fit = FitMapping.ToProto(result, ResourceName.Fit(id, fitId), request.Spec, dataset, now);
        await responseStream.WriteAsync(FitProgress("storing", 0.9, $"storing {fit.Name}"), context.CancellationToken).ConfigureAwait(false);
        context.CancellationToken.ThrowIfCancellationRequested();
        store.PutFit(id, fitId, fit, request.Replace);
        await responseStream.WriteAsync(new V1.FitEvent { Fit = fit }, context.CancellationToken).ConfigureAwait(false);
    }

    public Task<V1.Fit> GetFit(V1.GetFitRequest request, ServerCallContext context)
    {
        var (dataset, fit) = ResourceName.ParseFit("name", request.Name);
        context.UserState["dataset"] = dataset;
        return Task.FromResult(store.GetFit(dataset, fit) ?? throw new ResourceNotFoundException("Fit", request.Name));
    }

    public Task<V1.ListFitsResponse> ListFits(V1.ListFitsRequest request, ServerCallContext context)
    {
        var id = CallScope.DatasetId("parent", request.Parent, context);
        var pageRequest = PageToken.Parse("fits/" + id, request.PageSize, request.PageToken);
        var (page, total) = PageToken.Read(pageRequest, (offset, limit) => store.ListFits(id, offset, limit), f => f.Name);
        var response = new V1.ListFitsResponse { TotalSize = total, NextPageToken = PageToken.Next(pageRequest, page, total, f => f.Name) };
        response.Fits.AddRange(page);
        return Task.FromResult(response);
    }

    public Task<Empty> DeleteFit(V1.DeleteFitRequest request, ServerCallContext context)
    {
        var (dataset, fit) = ResourceName.ParseFit("name", request.Name);
        context.UserState["dataset"] = dataset;
        store.DeleteFit(dataset, fit);
        return Task.FromResult(new Empty());
    }

    public async Task WatchFits(V1.WatchFitsRequest request, IServerStreamWriter<V1.WatchFitsResponse> responseStream, ServerCallContext context)
    {
        var id = CallScope.DatasetId("dataset", request.Dataset, context);
        var descriptor = store.GetDataset(id) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));
        using var subscription = hub.Subscribe(id);
        if (request.SendInitial)
        {
            var (fits, _) = store.ListFits(id, 0, PageToken.MaxPageSize);
            foreach (var fit in fits)
            {
                await responseStream.WriteAsync(new V1.WatchFitsResponse { Fit = fit, Reason = "initial", DatasetRevision = descriptor.Revision }, context.CancellationToken).ConfigureAwait(false);
            }
        }

        try
        {
            await foreach (var change in subscription.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                foreach (var message in change.Fits)
                {
                    await responseStream.WriteAsync(message, context.CancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The watcher went away: that is how a watch ends.
        }
    }

    public Task<V1.ListForecastsResponse> ListForecasts(V1.ListForecastsRequest request, ServerCallContext context)
    {
        var (dataset, fit) = ResourceName.ParseFit("parent", request.Parent);
        context.UserState["dataset"] = dataset;
        var collection = "forecasts/" + request.Parent;
        var pageRequest = PageToken.Parse(collection, request.PageSize, request.PageToken);
        var (page, total) = PageToken.Read(pageRequest, (offset, limit) => store.ListForecasts(dataset, fit, offset, limit), f => f.Name);
        var response = new V1.ListForecastsResponse { TotalSize = total, NextPageToken = PageToken.Next(pageRequest, page, total, f => f.Name) };
        response.Forecasts.AddRange(page);
        return Task.FromResult(response);
    }

    private static V1.FitEvent FitProgress(string stage, double fraction, string message) =>
        new() { Progress = new V1.Progress { Stage = stage, Fraction = fraction, Message = message } };
}
