namespace ObsScaling.Server.Services;

/// <summary>
/// The newest progress report of a running analysis, kept for the streaming loop to forward. Reports arrive from
/// worker threads far faster than a stream should carry them (a subset search reports per combination), so only the
/// latest is kept; <see cref="Changed"/> wakes the loop when there is one it has not sent.
/// </summary>
internal sealed class LatestProgress<T> : IProgressRelay<T>
{
    private readonly Lock _lock = new();
    private T? _latest;
    private bool _fresh;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a report has arrived that <see cref="TryTake"/> has not returned yet.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _fresh ? Task.CompletedTask : _changed.Task;
            }
        }
    }

    public void Report(T value)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            _latest = value;
            _fresh = true;
            signal = _changed;
        }

        signal.TrySetResult();
    }

    /// <summary>The newest report if it has not been taken yet.</summary>
    public bool TryTake(out T value)
    {
        lock (_lock)
        {
            if (!_fresh)
            {
                value = default!;
                return false;
            }

            value = _latest!;
            _fresh = false;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return true;
        }
    }
}
