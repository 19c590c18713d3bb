namespace ObsScaling.Server.Services;

/// <summary>
/// Bounds how many heavy analyses (fits, backtests, subset searches, technique comparisons) run at once, by
/// default one fewer than the cores: with every core busy fitting, cheap calls (reads, cached decompositions,
/// forecasts) queued behind them and their p99 grew to tens of milliseconds. Waiting for a slot is asynchronous and
/// honours the call's cancellation, so an expired deadline never starts the work.
/// </summary>
internal sealed class ComputeSlots(int slots) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, slots), Math.Max(1, slots));

    public static int DefaultSlots => Math.Max(1, Environment.ProcessorCount - 1);

    public void Dispose() => _slots.Dispose();

    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }
}
