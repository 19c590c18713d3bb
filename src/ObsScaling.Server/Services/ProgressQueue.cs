namespace ObsScaling.Server.Services;

/// <summary>
/// Every progress report, in order: for analyses whose reports are few and each meaningful (a backtest reports once
/// per fold, and a client counts the folds done).
/// </summary>
internal sealed class ProgressQueue<T> : IProgressRelay<T>
{
    private readonly Lock _lock = new();
    private readonly Queue<T> _reports = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _reports.Count > 0 ? Task.CompletedTask : _changed.Task;
            }
        }
    }

    public void Report(T value)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            _reports.Enqueue(value);
            signal = _changed;
        }

        signal.TrySetResult();
    }

    public bool TryTake(out T value)
    {
        lock (_lock)
        {
            if (_reports.TryDequeue(out value!))
            {
                if (_reports.Count == 0)
                {
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                return true;
            }

            return false;
        }
    }
}
