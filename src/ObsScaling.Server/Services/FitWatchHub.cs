using System.Collections.Concurrent;
using System.Diagnostics;
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
/// and every pass published here is recorded for the other replicas, whose passes arrive through the feed and are
/// published to this process's watchers the same way.
/// </summary>
internal sealed partial class FitWatchHub(IDatasetStore store, IRefitFeed replicas, ComputeSlots compute, IOptions<ServerOptions> settings, ServerMetrics metrics, ILogger<FitWatchHub> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, FitFeed> _feeds = new(StringComparer.Ordinal);
    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    // Datasets with a change not yet refitted, with when the first such change came (the refit delay's start).
    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _passes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private long _failures;
    private volatile bool _closed;

    /// <summary>Refits that failed or ran out of time (for tests and diagnostics).</summary>
    public long FailedRefitCount => Interlocked.Read(ref _failures);

    /// <summary>Number of refits published (for tests and diagnostics).</summary>
    public long RefitCount => Interlocked.Read(ref _refits);

    private long _refits;

    /// <summary>Open watches over all datasets (a watcher that went away must not stay counted).</summary>
    public int WatcherCount => _feeds.Values.Sum(f => f.WatcherCount);

    /// <summary>Open watches of one dataset.</summary>
    public int WatchersOf(string dataset) => _feeds.TryGetValue(dataset, out var feed) ? feed.WatcherCount : 0;

    /// <summary>
    /// Watches a dataset. With <paramref name="after"/>, the subscription also carries, taken under the same lock as
    /// the registration (so nothing falls between them and nothing comes twice), every kept change newer than that
    /// revision, or says it cannot (<see cref="Subscription.Resumed"/> false: older than the kept history).
    /// </summary>
    public Subscription Subscribe(string dataset, long? after = null)
    {
        var history = Math.Max(1, settings.Value.WatchHistory);
        if (_closed)
        {
            var ended = new FitFeed(history);
            ended.Close();
            return ended.Subscribe(after);
        }

        var feed = _feeds.GetOrAdd(dataset, _ => new FitFeed(history));
        return feed.Subscribe(after);
    }

    /// <summary>
    /// Ends every watch (WatchFits streams end OK, SSE feeds end and their clients reconnect): called when the server
    /// starts to stop, since Kestrel otherwise waits its whole shutdown timeout for watches that never end by themselves.
    /// </summary>
    public void CloseAll()
    {
        _closed = true;
        foreach (var dataset in _feeds.Keys)
        {
            if (_feeds.TryRemove(dataset, out var feed))
            {
                feed.Close();
            }
        }
    }

    /// <summary>Queues a refit of the dataset's fits (at most one pending pass per dataset; it reads the newest revision).</summary>
    public void DatasetChanged(string dataset)
    {
        if (_pending.TryAdd(dataset, Stopwatch.GetTimestamp()))
        {
            _changes.Writer.TryWrite(dataset);
        }
    }

    /// <summary>Ends the dataset's watches and forgets its history (a dataset created again under the name starts afresh).</summary>
    public void DatasetDeleted(string dataset)
    {
        EndWatches(dataset);
        if (replicas.Shared)
        {
            // The other replicas' watches of the dataset end too.
            Record(dataset, [new V1.WatchFitsResponse { Reason = DeletedReason }]);
        }
    }

    /// <summary>The replica feed's mark of a deleted dataset (never sent to a client: the watches end instead).</summary>
    private const string DeletedReason = "dataset_deleted";

    private void EndWatches(string dataset)
    {
        if (_feeds.TryRemove(dataset, out var feed))
        {
            feed.Close();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = replicas.ListenAsync(FromOtherReplica, stoppingToken);
        try
        {
            await Task.Run(() => QueueStaleFits(stoppingToken), stoppingToken).ConfigureAwait(false);
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

    /// <summary>
    /// At start, queues a pass for every dataset with a fit older than the dataset: a server killed between
    /// committing a change and refitting it (or every replica, stopped at once) would otherwise leave the fits stale
    /// until the next change. With replicas each queues it, and the refit lock and the skip of fits already at the
    /// revision make one of them refit.
    /// </summary>
    private void QueueStaleFits(CancellationToken stoppingToken)
    {
        try
        {
            for (var offset = 0; ;)
            {
                var (datasets, total) = store.ListDatasets(offset, 200);
                foreach (var dataset in datasets)
                {
                    stoppingToken.ThrowIfCancellationRequested();
                    var id = ResourceName.ParseDataset("name", dataset.Name);
                    var (fits, _) = store.ListFits(id, 0, 1000);
                    if (fits.Any(f => f.DatasetRevision != dataset.Revision))
                    {
                        DatasetChanged(id);
                    }
                }

                offset += datasets.Count;
                if (datasets.Count == 0 || offset >= total)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store may be unreachable at start (PostgreSQL restarting): the next change refits as usual.
            LogCatchUpError(logger, ex);
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
            _pending.TryRemove(dataset, out var since);
            await using var shared = await replicas.HoldRefitLockAsync(dataset, stoppingToken).ConfigureAwait(false);
            if (await RefitAsync(dataset, stoppingToken).ConfigureAwait(false))
            {
                metrics.RefitDelaySeconds.Observe(Stopwatch.GetElapsedTime(since).TotalSeconds);
            }
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

    /// <summary>Refits the dataset's fits; true when a change was published.</summary>
    private async Task<bool> RefitAsync(string dataset, CancellationToken cancellationToken)
    {
        if (store.GetDataset(dataset) is null)
        {
            return false;
        }

        var (descriptor, models) = store.LoadDataset(dataset);
        var offset = 0;
        var outcomes = new List<V1.WatchFitsResponse>();
        while (true)
        {
            var (page, total) = store.ListFits(dataset, offset, 200);
            foreach (var fit in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (replicas.Shared && fit.DatasetRevision == descriptor.Revision && fit.DatasetEtag == descriptor.Etag)
                {
                    // Refitted at this revision already, by another replica's pass (which held the lock first).
                    continue;
                }

                var outcome = await RefitOneAsync(dataset, fit, descriptor, models, cancellationToken).ConfigureAwait(false);
                if (outcome.Reason != "superseded")
                {
                    outcomes.Add(outcome);
                }
            }

            offset += page.Count;
            if (page.Count == 0 || offset >= total)
            {
                break;
            }
        }

        // One change per pass, so a feed's event and its id (the revision) cover every fit of that revision.
        if (outcomes.Count == 0)
        {
            return false;
        }

        Publish(dataset, new FitChange(descriptor.Revision, outcomes));
        return true;
    }

    private async Task<V1.WatchFitsResponse> RefitOneAsync(string dataset, V1.Fit fit, V1.Dataset descriptor, ModelSet models, CancellationToken stoppingToken)
    {
        var start = Stopwatch.GetTimestamp();
        var outcome = await RefitOrFailAsync(dataset, fit, descriptor, models, stoppingToken).ConfigureAwait(false);
        if (outcome.Reason != "superseded")
        {
            metrics.RefitSeconds.WithLabels(outcome.Reason).Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
            metrics.Refits.WithLabels(dataset, outcome.Reason).Inc();
            if (outcome.Reason == "refit_failed")
            {
                metrics.RefitFailures.WithLabels(dataset).Inc();
            }
        }

        return outcome;
    }

    private async Task<V1.WatchFitsResponse> RefitOrFailAsync(string dataset, V1.Fit fit, V1.Dataset descriptor, ModelSet models, CancellationToken stoppingToken)
    {
        // A zero or negative setting means "no usable deadline": the default then applies rather than none.
        var timeout = settings.Value.RefitTimeout > TimeSpan.Zero ? settings.Value.RefitTimeout : TimeSpan.FromMinutes(5);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        try
        {
            var options = SpecMapping.ToOptions(fit.Spec, models);

            // The deadline runs from when the refit gets a compute slot: waiting behind another dataset's refit (a
            // slow one holds a slot until its own deadline) is not this refit taking too long.
            var result = await compute.RunAsync(
                () =>
                {
                    deadline.CancelAfter(timeout);
                    return HoldoutAnalysis.Run(models, options, deadline.Token);
                },
                stoppingToken).ConfigureAwait(false);
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

    private void Publish(string dataset, FitChange change)
    {
        Deliver(dataset, change);
        if (replicas.Shared)
        {
            Record(dataset, change.Fits);
        }
    }

    private void Record(string dataset, IReadOnlyList<V1.WatchFitsResponse> pass)
    {
        try
        {
            replicas.Record(dataset, pass);
        }
        catch (Exception ex) when (ex is StoreUnavailableException or Npgsql.NpgsqlException)
        {
            // The change is stored and this replica's watchers have it; the others' see it at their next read.
            LogRecordError(logger, ex, dataset);
        }
    }

    private void FromOtherReplica(string dataset, IReadOnlyList<V1.WatchFitsResponse> pass)
    {
        if (pass.Count == 0)
        {
            return;
        }

        if (pass[0].Reason == DeletedReason)
        {
            EndWatches(dataset);
        }
        else
        {
            Deliver(dataset, new FitChange(pass[0].DatasetRevision, pass));
        }
    }

    /// <summary>Hands a pass (published here or by another replica) to this process's feed of the dataset.</summary>
    private void Deliver(string dataset, FitChange change)
    {
        // Feeds are made by watchers only: a pass still running for a dataset deleted meanwhile must not leave a
        // feed whose last revision would hide the first changes of a dataset created again under the name.
        if (_feeds.TryGetValue(dataset, out var feed))
        {
            feed.Publish(change);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "refit of dataset {Dataset} failed")]
    private static partial void LogRefitError(ILogger logger, Exception ex, string dataset);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "looking for fits left stale by an earlier run failed")]
    private static partial void LogCatchUpError(ILogger logger, Exception ex);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "a refit of dataset {Dataset} could not be recorded for the other replicas")]
    private static partial void LogRecordError(ILogger logger, Exception ex, string dataset);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "refit of {Fit} stopped after its deadline of {Timeout}")]
    private static partial void LogRefitTimeout(ILogger logger, string fit, TimeSpan timeout);

    /// <summary>
    /// A watcher's feed; dispose to stop watching. <see cref="Replay"/> holds the kept changes after the revision asked
    /// for (when <see cref="Resumed"/>); <see cref="Cursor"/> is the newest revision published before the watch began
    /// (null when none since the server started), so every change after it reaches <see cref="Reader"/>.
    /// </summary>
    public sealed class Subscription(ChannelReader<FitChange> reader, IReadOnlyList<FitChange> replay, bool resumed, long? cursor, Action dispose) : IDisposable
    {
        public ChannelReader<FitChange> Reader { get; } = reader;

        public IReadOnlyList<FitChange> Replay { get; } = replay;

        public bool Resumed { get; } = resumed;

        public long? Cursor { get; } = cursor;

        public void Dispose() => dispose();
    }
}
