using System.Threading.Channels;

namespace ObsScaling.Server.Services;

/// <summary>
/// One dataset's watchers and the last changes published to them. Publishing and subscribing take the same lock, so
/// a watcher that resumes from a revision gets the kept changes after it and then every later one, none twice.
/// Changes only move forward: one whose revision is not newer than the last published is dropped (two passes can
/// read the same revision when imports land during a pass; their fits are the same).
/// </summary>
internal sealed class FitFeed(int historyLimit)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Channel<FitChange>> _watchers = [];
    private readonly Queue<FitChange> _history = new();
    private long? _last;
    private long? _floor;
    private bool _closed;

    public int WatcherCount
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count;
            }
        }
    }

    public FitWatchHub.Subscription Subscribe(long? after)
    {
        // Bounded so that a watcher that stops reading cannot grow the server; it loses the oldest changes it left unread.
        var channel = Channel.CreateBounded<FitChange>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var id = Guid.NewGuid();
        lock (_lock)
        {
            if (_closed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                _watchers[id] = channel;
            }

            // The history holds every change newer than _floor: a watcher that has seen _floor or later misses nothing.
            var resumed = after is { } a && _floor is { } floor && a >= floor;
            var replay = resumed ? _history.Where(c => c.Revision > after).ToArray() : [];
            return new FitWatchHub.Subscription(channel.Reader, replay, resumed, _last, () => Remove(id));
        }
    }

    /// <summary>Keeps the change and hands it to every watcher; false when it is not newer than the last one.</summary>
    public bool Publish(FitChange change)
    {
        lock (_lock)
        {
            if (_closed || (_last is { } last && change.Revision <= last))
            {
                return false;
            }

            _floor ??= change.Revision - 1;
            _history.Enqueue(change);
            while (_history.Count > historyLimit)
            {
                _floor = _history.Dequeue().Revision;
            }

            _last = change.Revision;
            foreach (var c in _watchers.Values)
            {
                c.Writer.TryWrite(change);
            }

            return true;
        }
    }

    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            foreach (var c in _watchers.Values)
            {
                c.Writer.TryComplete();
            }

            _watchers.Clear();
        }
    }

    private void Remove(Guid id)
    {
        lock (_lock)
        {
            if (_watchers.Remove(id, out var channel))
            {
                channel.Writer.TryComplete();
            }
        }
    }
}
