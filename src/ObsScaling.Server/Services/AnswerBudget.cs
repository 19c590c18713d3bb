namespace ObsScaling.Server.Services;

/// <summary>
/// Bytes of large answers the server holds at once, over all clients. A unary answer is built whole and held until
/// the client has read it, so a client that opens many connections and reads nothing would otherwise make the server
/// hold one page per call slot per connection (4 connections × 4 slots × ~25 MB for a 1,000-model page of 200
/// metrics made the GC thrash near its limit and other clients wait seconds). Calls whose answer is estimated below
/// <see cref="SmallAnswerBytes"/> never wait here, so a hostile client can delay other large listings, never a
/// small call. Waiters are served in order (a large answer is not starved by a stream of smaller ones); one answer
/// larger than the whole budget runs alone.
/// </summary>
internal sealed class AnswerBudget(long capacityBytes)
{
    public const long SmallAnswerBytes = 1024 * 1024;

    private readonly long _capacity = Math.Max(SmallAnswerBytes, capacityBytes);
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly object _gate = new();
    private long _free = Math.Max(SmallAnswerBytes, capacityBytes);

    /// <summary>Bytes held by answers now (for tests and metrics).</summary>
    public long HeldBytes
    {
        get
        {
            lock (_gate)
            {
                return _capacity - _free;
            }
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> fit; the lease gives them back when disposed.</summary>
    public async ValueTask<IDisposable> AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        if (bytes < SmallAnswerBytes)
        {
            return Lease.None;
        }

        bytes = Math.Min(bytes, _capacity);
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _free >= bytes)
            {
                _free -= bytes;
                return new Lease(this, bytes);
            }

            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        await using (cancellationToken.Register(() => Abandon(waiter)).ConfigureAwait(false))
        {
            await waiter.Granted.Task.ConfigureAwait(false);
        }

        return new Lease(this, bytes);
    }

    private void Abandon(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            _waiters.Remove(waiter.Node);
            Grant();
        }

        waiter.Granted.TrySetCanceled();
    }

    private void Release(long bytes)
    {
        lock (_gate)
        {
            _free += bytes;
            Grant();
        }
    }

    /// <summary>Grants waiters in order while the first one fits. Called under the lock.</summary>
    private void Grant()
    {
        while (_waiters.First is { } first && _free >= first.Value.Bytes)
        {
            _free -= first.Value.Bytes;
            _waiters.RemoveFirst();
            if (!first.Value.Granted.TrySetResult())
            {
                _free += first.Value.Bytes;
            }
        }
    }

    private sealed class Waiter(long bytes)
    {
        public long Bytes { get; } = bytes;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }

    private sealed class Lease(AnswerBudget? budget, long bytes) : IDisposable
    {
        public static readonly Lease None = new(null, 0);

        private AnswerBudget? _budget = budget;

        public void Dispose() => Interlocked.Exchange(ref _budget, null)?.Release(bytes);
    }
}
