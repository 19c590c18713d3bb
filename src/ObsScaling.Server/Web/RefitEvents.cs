using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Web;

/// <summary>
/// <c>GET /v1/datasets/{dataset}/fits:watch</c> on the web endpoint: the dataset's refits as server-sent events, fed
/// by the same <see cref="FitWatchHub"/> subscription as WatchFits. A new feed starts with an <c>initial</c> snapshot;
/// one that reconnects with <c>Last-Event-ID</c> gets the kept changes after that revision instead, or a fresh
/// <c>initial</c> snapshot when the revision is older than the kept history (or from before a server restart).
/// </summary>
internal static partial class RefitEvents
{
    public const string Route = "/v1/datasets/{dataset}/fits:watch";

    public static void Map(IEndpointRouteBuilder routes) => routes.MapGet(Route, HandleAsync);

    private static async Task HandleAsync(HttpContext context, string dataset, WebEndpoint web, IDatasetStore store, FitWatchHub hub, ServerMetrics metrics, IOptions<ServerOptions> options, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
    {
        if (!web.Serves(context))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        string id;
        long? after;
        V1.Dataset descriptor;
        try
        {
            id = ResourceName.RequireId("dataset", dataset);
            after = LastEventId(context.Request.Headers["Last-Event-ID"].ToString());
            descriptor = store.GetDataset(id) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));
        }
        catch (Exception ex) when (StatusMapping.KnownStatus(ex) is not null)
        {
            await JsonStatus.WriteAsync(context, ex).ConfigureAwait(false);
            return;
        }

        using var subscription = hub.Subscribe(id, after);
        using var watching = new GaugeScope(metrics.Watchers.WithLabels("sse"));
        // A feed ends when its client goes or the server stops (else shutdown would wait for every open dashboard);
        // EventSource then reconnects, to this server once it is back or to another, with its Last-Event-ID.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var aborted = ending.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await response.Body.WriteAsync(RefitEventText.Retry(TimeSpan.FromSeconds(1)), aborted).ConfigureAwait(false);
            if (after is { } a && subscription.Resumed && a <= descriptor.Revision)
            {
                foreach (var change in subscription.Replay)
                {
                    await response.Body.WriteAsync(RefitEventText.For(change), aborted).ConfigureAwait(false);
                }
            }
            else
            {
                await response.Body.WriteAsync(Snapshot(store, id, descriptor, subscription.Cursor), aborted).ConfigureAwait(false);
            }

            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            await PumpAsync(subscription, response, options.Value.SseHeartbeat, aborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && aborted.IsCancellationRequested)
        {
            // The watcher went away: that is how a feed ends.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Headers are sent: the only way left to say so is to end the stream (the client reconnects).
            LogFeedError(loggers.CreateLogger(typeof(RefitEvents).FullName!), ex, id);
        }
    }

    /// <summary>Live changes as they come, with a comment whenever nothing came for a heartbeat's time.</summary>
    private static async Task PumpAsync(FitWatchHub.Subscription subscription, HttpResponse response, TimeSpan heartbeat, CancellationToken aborted)
    {
        var every = heartbeat > TimeSpan.Zero ? heartbeat : TimeSpan.FromSeconds(15);
        var reader = subscription.Reader;
        while (true)
        {
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted))
            {
                idle.CancelAfter(every);
                try
                {
                    if (!await reader.WaitToReadAsync(idle.Token).ConfigureAwait(false))
                    {
                        return; // The dataset was deleted.
                    }
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await response.Body.WriteAsync(RefitEventText.KeepAlive, aborted).ConfigureAwait(false);
                    await response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    continue;
                }
            }

            while (reader.TryRead(out var change))
            {
                await response.Body.WriteAsync(RefitEventText.For(change), aborted).ConfigureAwait(false);
            }

            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The dataset's fits now, read after subscribing so no later change is missed. Its id is the revision every later
    /// change is newer than: the hub's last published one, or, before any since the start, the oldest revision a fit
    /// stands on (a refit that is still running may be behind the dataset's own revision).
    /// </summary>
    private static byte[] Snapshot(IDatasetStore store, string id, V1.Dataset descriptor, long? cursor)
    {
        var fits = new List<V1.Fit>();
        while (true)
        {
            var (page, total) = store.ListFits(id, fits.Count, 200);
            fits.AddRange(page);
            if (page.Count == 0 || fits.Count >= total)
            {
                break;
            }
        }

        var since = cursor ?? (fits.Count == 0 ? descriptor.Revision : Math.Min(descriptor.Revision, fits.Min(f => f.DatasetRevision)));
        return RefitEventText.Event(RefitEventText.Initial, since, fits.Select(f => new V1.WatchFitsResponse { Fit = f, Reason = RefitEventText.Initial, DatasetRevision = descriptor.Revision }));
    }

    /// <summary>The revision a reconnecting EventSource last saw: absent, or a whole number ≥ 0.</summary>
    internal static long? LastEventId(string header)
    {
        if (header.Length == 0)
        {
            return null;
        }

        return long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : throw new ObsValidationException("Last-Event-ID", header, "must be a dataset revision (a whole number ≥ 0) from an earlier event's id");
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "refit feed of dataset {Dataset} failed")]
    private static partial void LogFeedError(ILogger logger, Exception ex, string dataset);
}
