namespace ObsScaling.Server.Services;

/// <summary>
/// Bounds how many heavy analyses (fits, refits, backtests, decompositions, subset searches, technique comparisons,
/// plots, scoring) run at once, by
/// default one fewer than the cores: with every core busy fitting, cheap calls (reads, cached decompositions,
/// forecasts) queued behind them and their p99 grew to tens of milliseconds. Waiting for a slot is asynchronous and
/// honours the call's cancellation, so an expired deadline never starts the work.
/// </summary>
internal sealed class ComputeSlots(int slots) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, slots), Math.Max(1, slots));
    private int _running;

    public static int DefaultSlots => Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>
    /// Heavy computations executing right now (not waiting for a slot). A computation counts until its code has
    /// returned, so a test can tell that cancelled work really stopped rather than that the client gave up.
    /// </summary>
    public int Running => Volatile.Read(ref _running);

    public void Dispose() => _slots.Dispose();

    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(
                () =>
                {
                    Interlocked.Increment(ref _running);
                    try
                    {
                        return work();
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _running);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }
}
