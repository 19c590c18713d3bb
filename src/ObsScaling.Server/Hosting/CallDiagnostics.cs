using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// What the server is doing right now, as counted by <see cref="CallInterceptor"/>: calls in progress per method
/// (a call counts until its handler has returned, so a fit counts until its engine has stopped) and, for calls that
/// ran past their deadline, how long after the deadline the handler stopped. Published as the
/// <c>ObsScaling.Server</c> meter (<c>dotnet-counters</c>) and read by the fault tests.
/// </summary>
internal sealed class CallDiagnostics : IDisposable
{
    public const string MeterName = "ObsScaling.Server";

    private readonly ConcurrentDictionary<string, Counter> _methods = new(StringComparer.Ordinal);
    private readonly Meter _meter = new(MeterName);
    private int _unexpected;

    public CallDiagnostics()
    {
        _meter.CreateObservableGauge("obsscaling.calls.active", () => _methods.Select(m => new Measurement<int>(Volatile.Read(ref m.Value.Active), new KeyValuePair<string, object?>("method", m.Key))), description: "calls whose handler is still running");
    }

    /// <summary>Calls whose handler is still running: all of them, or those of one method (e.g. "/obsscaling.v1.ObsScaling/CreateFit").</summary>
    public int ActiveCalls(string? method = null) =>
        method is null ? _methods.Values.Sum(c => Volatile.Read(ref c.Active)) : _methods.TryGetValue(method, out var c) ? Volatile.Read(ref c.Active) : 0;

    /// <summary>How long after its deadline the last call of the method that ran out of time stopped working.</summary>
    public TimeSpan? LastDeadlineOverrun(string method) =>
        _methods.TryGetValue(method, out var c) && Volatile.Read(ref c.OverrunTicks) is var t and >= 0 ? TimeSpan.FromTicks(t) : null;

    /// <summary>Calls answered INTERNAL since the start: each one is a fault of the server.</summary>
    public int UnexpectedErrors => Volatile.Read(ref _unexpected);

    public void RecordUnexpected() => Interlocked.Increment(ref _unexpected);

    /// <summary>How many calls of the method have reached their handler so far.</summary>
    public int StartedCalls(string method) => _methods.TryGetValue(method, out var c) ? Volatile.Read(ref c.Started) : 0;

    /// <summary>How many calls of the method have run past their deadline so far.</summary>
    public int DeadlineOverruns(string method) => _methods.TryGetValue(method, out var c) ? Volatile.Read(ref c.Overruns) : 0;

    /// <summary>Counts a call as running until the returned scope is disposed.</summary>
    public Scope Enter(string method)
    {
        var counter = _methods.GetOrAdd(method, _ => new Counter());
        Interlocked.Increment(ref counter.Started);
        Interlocked.Increment(ref counter.Active);
        return new Scope(counter);
    }

    public void RecordDeadlineOverrun(string method, TimeSpan overrun)
    {
        var counter = _methods.GetOrAdd(method, _ => new Counter());
        Volatile.Write(ref counter.OverrunTicks, Math.Max(0, overrun.Ticks));
        Interlocked.Increment(ref counter.Overruns);
    }

    public void Dispose() => _meter.Dispose();

    internal sealed class Counter
    {
#pragma warning disable CA1051 // fields, so that Interlocked can work on them
        public int Active;
        public long OverrunTicks = -1;
        public int Overruns;
        public int Started;
#pragma warning restore CA1051
    }

    internal readonly struct Scope(Counter counter) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref counter.Active);
    }
}
