namespace ObsScaling.Server.Services;

/// <summary>
/// How every heavy analysis runs (fits, refits, backtests, decompositions, subset searches, technique comparisons,
/// plots, scoring): in a compute slot (<see cref="ComputeSlots"/>), off the request thread so the call's deadline and
/// cancellation reach it, with its progress forwarded to the caller's stream. One place, so that no RPC runs heavy
/// work outside the slot limit and every stream reports progress the same way.
/// </summary>
internal sealed class HeavyWork(ComputeSlots slots)
{
    /// <summary>At most one progress message per interval: a stream of progress should not cost more than the work.</summary>
    internal static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Work without progress (unary calls, and the stages of a fit).</summary>
    public Task<T> RunAsync<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken) =>
        slots.RunAsync(() => work(cancellationToken), cancellationToken);

    /// <summary>
    /// Work that reports progress often (a search, per combination): the newest report is sent whenever one is new,
    /// at most once per <see cref="ProgressInterval"/>.
    /// </summary>
    public Task<T> RunAsync<T, TProgress>(Func<IProgress<TProgress>, CancellationToken, T> work, Func<TProgress, Task> send, CancellationToken cancellationToken) =>
        RunAsync(work, new LatestProgress<TProgress>(), send, throttled: true, cancellationToken);

    /// <summary>Work whose every report matters (a backtest, per fold): each is sent, in order, before the result.</summary>
    public Task<T> RunReportingEachAsync<T, TProgress>(Func<IProgress<TProgress>, CancellationToken, T> work, Func<TProgress, Task> send, CancellationToken cancellationToken) =>
        RunAsync(work, new ProgressQueue<TProgress>(), send, throttled: false, cancellationToken);

    /// <summary>
    /// When the call is cancelled while the work runs, this waits for the work (which observes the same token)
    /// before it rethrows: the call then ends when the work ends, so its slot is free for the next call and
    /// diagnostics measure the work, not just the handler.
    /// </summary>
    private async Task<T> RunAsync<T, TProgress>(Func<IProgress<TProgress>, CancellationToken, T> work, IProgressRelay<TProgress> progress, Func<TProgress, Task> send, bool throttled, CancellationToken cancellationToken)
    {
        var run = slots.RunAsync(() => work(progress, cancellationToken), cancellationToken);

        // The loop also wakes when the call is cancelled, not only when the work notices: it stops sending at once.
        var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
        try
        {
            while (true)
            {
                var done = run.IsCompleted;
                // A throttled run sends at most one report per wake and none once the work is done; an unthrottled
                // one sends every report it holds, the last ones after the work is done.
                while ((!throttled || !done) && progress.TryTake(out var report))
                {
                    await Send(send, report, cancellationToken).ConfigureAwait(false);
                    if (throttled)
                    {
                        break;
                    }
                }

                if (done)
                {
                    break;
                }

                await Task.WhenAny(run, cancelled, throttled ? Task.WhenAll(progress.Changed, Task.Delay(ProgressInterval, cancellationToken)) : progress.Changed).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException)
        {
            await Task.WhenAny(run).ConfigureAwait(false);
            throw;
        }

        return await run.ConfigureAwait(false);
    }

    private static async Task Send<TProgress>(Func<TProgress, Task> send, TProgress report, CancellationToken cancellationToken)
    {
        try
        {
            await send(report).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // The call ended (deadline, reset) between the check and the write: Kestrel completed the response
            // before the call's token was cancelled. That is a cancellation, not a server fault.
            throw new OperationCanceledException(cancellationToken);
        }
    }
}
