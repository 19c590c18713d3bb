using System.Globalization;
using System.Text.Json;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Imputation;

namespace ObsScaling.Compare;

/// <summary>
/// One size of the scale test in its own process, so that the peak resident set (VmHWM) belongs to that size
/// alone: reads the matrix, decomposes it (impute + PCA) once to warm up and then <c>repetitions</c> times, and
/// prints time, peak memory and the results as JSON.
/// </summary>
internal static class ScaleChild
{
    public const string Command = "scale-child";

    public static int Run(string[] args)
    {
        var file = args[1];
        var rows = int.Parse(args[2], CultureInfo.InvariantCulture);
        var cols = int.Parse(args[3], CultureInfo.InvariantCulture);
        var repetitions = int.Parse(args[4], CultureInfo.InvariantCulture);
        var imputedOut = args.Length > 5 ? args[5] : null;
        var x = RawArrays.ReadMatrix(file, rows, cols);
        var metrics = Enumerable.Range(1, cols).Select(j => "bench-" + j.ToString(CultureInfo.InvariantCulture)).ToArray();
        var baseline = ProcStatus.KiB("VmRSS");

        var ((imputation, space), seconds) = Timing.Measure(
            () =>
            {
                var imputed = PcaImputer.Fit(x);
                return (imputed, CapabilitySpace.Fit(imputed.Imputed, metrics));
            },
            warmup: 1,
            repetitions);

        if (imputedOut is not null)
        {
            RawArrays.Write(imputedOut, imputation.Imputed);
        }

        var report = new Dictionary<string, object>
        {
            ["rows"] = rows,
            ["cols"] = cols,
            ["seconds"] = seconds,
            ["median"] = Timing.Median(seconds),
            ["peak_kib"] = ProcStatus.KiB("VmHWM"),
            ["baseline_kib"] = baseline,
            ["iterations"] = imputation.Iterations,
            ["converged"] = imputation.Converged,
            ["explained_variance"] = space.ExplainedVariance,
        };
        Console.WriteLine(JsonSerializer.Serialize(report));
        return 0;
    }
}

/// <summary>Fields of /proc/self/status (Linux), in KiB.</summary>
internal static class ProcStatus
{
    public static long KiB(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
