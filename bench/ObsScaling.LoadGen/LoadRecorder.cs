using System.Collections.Concurrent;
using Grpc.Core;

namespace ObsScaling.LoadGen;

/// <summary>What one load level measured: latencies per kind of call, forecasts streamed, errors by status code.</summary>
internal sealed class LoadRecorder
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latencies = new(StringComparer.Ordinal);
    private long _forecasts;
    private long _requests;

    public ConcurrentDictionary<StatusCode, int> Errors { get; } = new();

    public long Forecasts => Interlocked.Read(ref _forecasts);

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Claims one request of the level's budget; false once it is spent.</summary>
    public bool TryClaim(long max) => Interlocked.Increment(ref _requests) <= max;

    public void Record(string kind, double milliseconds) => _latencies.GetOrAdd(kind, _ => []).Add(milliseconds);

    public void AddForecasts(long count) => Interlocked.Add(ref _forecasts, count);

    public void Error(StatusCode code) => Errors.AddOrUpdate(code, 1, (_, n) => n + 1);

    public int Count(string kind) => _latencies.TryGetValue(kind, out var bag) ? bag.Count : 0;

    /// <summary>The q-quantile (0..1) of the kind's latencies in ms, NaN when none.</summary>
    public double Quantile(string kind, double q)
    {
        if (!_latencies.TryGetValue(kind, out var bag) || bag.IsEmpty)
        {
            return double.NaN;
        }

        var sorted = bag.ToArray();
        Array.Sort(sorted);
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    }
}
