using System.Diagnostics;

namespace ObsScaling.Compare;

/// <summary>
/// Warm-up runs followed by timed repetitions; the median is what the table reports. The warm-up lasts at least
/// <see cref="MinimumWarmup"/> as well as the given count, so that tiered JIT has promoted the hot methods (a short
/// task warmed up 20 times is still mostly tier-0 code) — the steady state that a service or a long session sees.
/// </summary>
internal static class Timing
{
    public static readonly TimeSpan MinimumWarmup = TimeSpan.FromSeconds(3);

    public static (T Result, double[] Seconds) Measure<T>(Func<T> work, int warmup, int repetitions)
    {
        var result = default(T)!;
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < warmup || (warmup > 0 && warming.Elapsed < MinimumWarmup); i++)
        {
            result = work();
        }

        var seconds = new double[Math.Max(1, repetitions)];
        for (var i = 0; i < seconds.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            result = work();
            seconds[i] = clock.Elapsed.TotalSeconds;
        }

        return (result, seconds);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
