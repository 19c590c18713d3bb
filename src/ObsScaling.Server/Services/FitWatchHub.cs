using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Services;

/// <summary>
/// Keeps fits current: when a dataset changes, its fits are refitted in the background (newest revision only)
/// and each new law is pushed to every watcher of that dataset. Datasets are refitted independently (one pass per
/// dataset at a time, passes of different datasets side by side), every refit runs in a compute slot under its own
/// deadline (<see cref="ServerOptions.RefitTimeout"/>), and a refit that fails or runs out of time is reported to
/// the dataset's watchers as <c>refit_failed</c>: one client's degenerate or enormous dataset cannot hold up the
/// refits of anybody else's. With replicas on one database (<see cref="IRefitFeed.Shared"/>), a pass also holds the
/// dataset's lock across replicas, skips fits already refitted at the current revision (another replica did it),
/// and every refit published here is recorded for the other replicas, whose refits arrive through the feed.
/// </summary>
internal sealed partial class FitWatchHub(IDatasetStore store, IRefitFeed feed, ComputeSlots compute, IOptions<ServerOptions> settings, ILogger<FitWatchHub> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, Channel<V1.WatchFitsResponse>>> _watchers = new(StringComparer.Ordinal);
    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _passes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private long _failures;

    /// <summary>Refits that failed or ran out of time (for tests and diagnostics).</summary>
    public long FailedRefitCount => Interlocked.Read(ref _failures);

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
        EndWatches(dataset);
        if (feed.Shared)
        {
            // The other replicas' watches of the dataset end too.
            Record(dataset, new V1.WatchFitsResponse { Reason = DeletedReason });
        }
    }

    /// <summary>The feed's mark of a deleted dataset (never sent to a client: the watches end instead).</summary>
    private const string DeletedReason = "dataset_deleted";

    private void EndWatches(string dataset)
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
        var listening = feed.ListenAsync(FromOtherReplica, stoppingToken);
        try
        {
            await foreach (var dataset in _changes.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var pass = PassAsync(dataset, stoppingToken);
                _running[pass] = 0;
                _ = pass.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            await Task.WhenAll(_running.Keys).ConfigureAwait(false);
            await listening.ConfigureAwait(false);
        }
    }

    /// <summary>One pass over a dataset's fits; passes of one dataset queue behind each other, other datasets do not wait.</summary>
    private async Task PassAsync(string dataset, CancellationToken stoppingToken)
    {
        var gate = _passes.GetOrAdd(dataset, _ => new SemaphoreSlim(1, 1));
        try
        {
            await gate.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            // Clear the flag first: a change that lands during this refit queues another pass.
            _pending.TryRemove(dataset, out _);
            await using var shared = await feed.HoldRefitLockAsync(dataset, stoppingToken).ConfigureAwait(false);
            await RefitAsync(dataset, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogRefitError(logger, ex, dataset);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task RefitAsync(string dataset, CancellationToken cancellationToken)
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
                if (feed.Shared && fit.DatasetRevision == descriptor.Revision && fit.DatasetEtag == descriptor.Etag)
                {
                    // Refitted at this revision already, by another replica's pass (which held the lock first).
                    continue;
                }

                Publish(dataset, await RefitOneAsync(dataset, fit, descriptor, models, cancellationToken).ConfigureAwait(false));
            }

            offset += page.Count;
            if (page.Count == 0 || offset >= total)
            {
                break;
            }
        }
    }

    private async Task<V1.WatchFitsResponse> RefitOneAsync(string dataset, V1.Fit fit, V1.Dataset descriptor, ModelSet models, CancellationToken stoppingToken)
    {
        // A zero or negative setting means "no usable deadline": the default then applies rather than none.
        var timeout = settings.Value.RefitTimeout > TimeSpan.Zero ? settings.Value.RefitTimeout : TimeSpan.FromMinutes(5);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(timeout);
        try
        {
            var options = SpecMapping.ToOptions(fit.Spec, models);
            var result = await compute.RunAsync(() => HoldoutAnalysis.Run(models, options, deadline.Token), deadline.Token).ConfigureAwait(false);
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
            Interlocked.Increment(ref _failures);
            return new V1.WatchFitsResponse { Fit = fit, Reason = "refit_failed", DatasetRevision = descriptor.Revision, Error = ex.Message };
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failures);
            LogRefitTimeout(logger, fit.Name, timeout);
            return new V1.WatchFitsResponse { Fit = fit, Reason = "refit_failed", DatasetRevision = descriptor.Revision, Error = $"the refit ran out of time: it takes longer than the {timeout.TotalSeconds:0.###} s allowed (ObsScaling:RefitTimeout)" };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One fit's unexpected failure must not end the pass for the dataset's other fits.
            Interlocked.Increment(ref _failures);
            LogRefitError(logger, ex, dataset);
            return new V1.WatchFitsResponse { Fit = fit, Reason = "refit_failed", DatasetRevision = descriptor.Revision, Error = "the refit failed on the server (see its log)" };
        }
    }

    private void Publish(string dataset, V1.WatchFitsResponse message)
    {
        if (message.Reason == "superseded")
        {
            return;
        }

        Deliver(dataset, message);
        if (feed.Shared)
        {
            Record(dataset, message);
        }
    }

    private void Record(string dataset, V1.WatchFitsResponse message)
    {
        try
        {
            feed.Record(dataset, message);
        }
        catch (Exception ex) when (ex is StoreUnavailableException or Npgsql.NpgsqlException)
        {
            // The change is stored and this replica's watchers have it; the others' see it at their next read.
            LogRecordError(logger, ex, dataset);
        }
    }

    private void FromOtherReplica(string dataset, V1.WatchFitsResponse message)
    {
        if (message.Reason == DeletedReason)
        {
            EndWatches(dataset);
        }
        else
        {
            Deliver(dataset, message);
        }
    }

    /// <summary>Hands a refit (published here or by another replica) to this process's watchers of the dataset.</summary>
    private void Deliver(string dataset, V1.WatchFitsResponse message)
    {
        if (!_watchers.TryGetValue(dataset, out var set))
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

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "a refit of dataset {Dataset} could not be recorded for the other replicas")]
    private static partial void LogRecordError(ILogger logger, Exception ex, string dataset);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "refit of {Fit} stopped after its deadline of {Timeout}")]
    private static partial void LogRefitTimeout(ILogger logger, string fit, TimeSpan timeout);

    /// <summary>A watcher's feed; dispose to stop watching.</summary>
    public sealed class Subscription(ChannelReader<V1.WatchFitsResponse> reader, Action dispose) : IDisposable
    {
        public ChannelReader<V1.WatchFitsResponse> Reader { get; } = reader;

        public void Dispose() => dispose();
    }
}
