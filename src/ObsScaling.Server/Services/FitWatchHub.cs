using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Services;

/// <summary>
/// Keeps fits current: when a dataset changes, its fits are refitted in the background (one dataset at a
/// time, newest revision only) and each new law is pushed to every watcher of that dataset.
/// </summary>
internal sealed partial class FitWatchHub(SqliteStore store, ILogger<FitWatchHub> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, Channel<V1.WatchFitsResponse>>> _watchers = new(StringComparer.Ordinal);
    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);

    /// <summary>Number of refits published (for tests and diagnostics).</summary>
    public long RefitCount => Interlocked.Read(ref _refits);

    private long _refits;

    /// <summary>Open watches over all datasets (a watcher that went away must not stay counted).</summary>
    public int WatcherCount => _watchers.Values.Sum(set => set.Count);

    public Subscription Subscribe(string dataset)
    {
        var channel = Channel.CreateBounded<V1.WatchFitsResponse>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var id = Guid.NewGuid();
        _watchers.GetOrAdd(dataset, _ => new ConcurrentDictionary<Guid, Channel<V1.WatchFitsResponse>>())[id] = channel;
        return new Subscription(channel.Reader, () =>
        {
            if (_watchers.TryGetValue(dataset, out var set))
            {
                set.TryRemove(id, out _);
            }

            channel.Writer.TryComplete();
        });
    }

    /// <summary>Queues a refit of the dataset's fits (at most one pending pass per dataset; it reads the newest revision).</summary>
    public void DatasetChanged(string dataset)
    {
        if (_pending.TryAdd(dataset, 0))
        {
            _changes.Writer.TryWrite(dataset);
        }
    }

    public void DatasetDeleted(string dataset)
    {
        if (_watchers.TryRemove(dataset, out var set))
        {
            foreach (var c in set.Values)
            {
                c.Writer.TryComplete();
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var dataset in _changes.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            // Clear the flag first: a change that lands during this refit queues another pass.
            _pending.TryRemove(dataset, out _);
            try
            {
                Refit(dataset, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRefitError(logger, ex, dataset);
            }
        }
    }

    private void Refit(string dataset, CancellationToken cancellationToken)
    {
        if (store.GetDataset(dataset) is null)
        {
            return;
        }

        var (descriptor, models) = store.LoadDataset(dataset);
        var offset = 0;
        while (true)
        {
            var (page, total) = store.ListFits(dataset, offset, 200);
            foreach (var fit in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Publish(dataset, RefitOne(dataset, fit, descriptor, models, cancellationToken));
            }

            offset += page.Count;
            if (page.Count == 0 || offset >= total)
            {
                break;
            }
        }
    }

    private V1.WatchFitsResponse RefitOne(string dataset, V1.Fit fit, V1.Dataset descriptor, ModelSet models, CancellationToken cancellationToken)
    {
        try
        {
            var options = SpecMapping.ToOptions(fit.Spec, models);
            var result = HoldoutAnalysis.Run(models, options, cancellationToken);
            var refit = FitMapping.ToProto(result, fit.Name, fit.Spec, descriptor, fit.CreateTime ?? Timestamp.FromDateTime(DateTime.UtcNow));
            var fitId = ResourceName.ParseFit("fit", fit.Name).Fit;
            if (!store.PutFit(dataset, fitId, refit, replace: true, expectedRevision: descriptor.Revision))
            {
                return new V1.WatchFitsResponse { Fit = fit, Reason = "superseded", DatasetRevision = descriptor.Revision };
            }

            Interlocked.Increment(ref _refits);
            return new V1.WatchFitsResponse { Fit = refit, Reason = "refit", DatasetRevision = descriptor.Revision };
        }
        catch (ObsValidationException ex)
        {
            return new V1.WatchFitsResponse { Fit = fit, Reason = "refit_failed", DatasetRevision = descriptor.Revision, Error = ex.Message };
        }
    }

    private void Publish(string dataset, V1.WatchFitsResponse message)
    {
        if (message.Reason == "superseded" || !_watchers.TryGetValue(dataset, out var set))
        {
            return;
        }

        foreach (var c in set.Values)
        {
            c.Writer.TryWrite(message);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "refit of dataset {Dataset} failed")]
    private static partial void LogRefitError(ILogger logger, Exception ex, string dataset);

    /// <summary>A watcher's feed; dispose to stop watching.</summary>
    public sealed class Subscription(ChannelReader<V1.WatchFitsResponse> reader, Action dispose) : IDisposable
    {
        public ChannelReader<V1.WatchFitsResponse> Reader { get; } = reader;

        public void Dispose() => dispose();
    }
}
