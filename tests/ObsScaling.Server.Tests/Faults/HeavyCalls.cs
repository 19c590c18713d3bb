using System.Diagnostics;
using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Services;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// The heavy RPCs as the fault tests drive them, and the server's own view of whether their work stopped: the
/// handler's record (<see cref="CallDiagnostics"/>) and the computations still executing in the compute slots.
/// </summary>
internal static class HeavyCalls
{
    public const string Service = "/obsscaling.v1.ObsScaling/";

    public static ComputeSlots Slots(ServerHandle server) => (ComputeSlots)server.Services.GetService(typeof(ComputeSlots))!;

    public static CallDiagnostics Diagnostics(ServerHandle server) => (CallDiagnostics)server.Services.GetService(typeof(CallDiagnostics))!;

    /// <summary>A copy of <paramref name="models"/> whose <paramref name="metric"/> is replaced by <c>step·(i + 1)</c>.</summary>
    public static ModelSet WithColumn(ModelSet models, string metric, double step) =>
        new(models.Models.Select((m, i) => m with { Scores = m.Scores.SetItem(metric, step * (i + 1)) }), models.OrderedMetrics());

    /// <summary><paramref name="n"/> models × <paramref name="p"/> metrics of seeded uniform scores, every <paramref name="missingEvery"/>-th cell missing (none for int.MaxValue).</summary>
    public static ModelSet Wide(int n, int p, int seed = 1, int missingEvery = 7)
    {
        var rng = new Random(seed);
        var metrics = Enumerable.Range(0, p).Select(j => new MetricInfo($"w{j:D5}")).ToArray();
        var models = Enumerable.Range(0, n).Select(i =>
        {
            var scores = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var j = 0; j < p; j++)
            {
                if (missingEvery == int.MaxValue || ((i * p) + j) % missingEvery != 3)
                {
                    scores[metrics[j].Name] = 0.05 + (0.9 * rng.NextDouble());
                }
            }

            return new ModelRecord($"m{i:D4}", $"f{i % 4}", 1 + i, 1, null, scores);
        });
        return new ModelSet(models, metrics);
    }

    /// <summary>Every RPC that decomposes a dataset, each as one call against <paramref name="dataset"/>.</summary>
    public static IEnumerable<(string Method, Func<CallOptions, Task> Call)> Decomposing(V1.ObsScaling.ObsScalingClient client, string dataset)
    {
        yield return ("Decompose", o => client.DecomposeAsync(new V1.DecomposeRequest { Dataset = dataset, Components = 2 }, o).ResponseAsync);
        yield return ("CreateFit", o => Rpc.FitEventsAsync(client, new V1.CreateFitRequest { Parent = dataset, FitId = "degenerate", Spec = Rpc.DownstreamSpec() }, o));
        yield return ("Backtest", async o =>
        {
            using var call = client.Backtest(new V1.BacktestRequest { Dataset = dataset, Spec = Rpc.DownstreamSpec() }, o);
            await call.ResponseStream.ReadAllAsync().ToListAsync();
        }
        );
        yield return ("SelectSubset", o => Rpc.SelectAsync(client, new V1.SelectSubsetRequest { Dataset = dataset, Budgets = { 8 }, MaxFamilies = 3, Components = 2 }, o));
        yield return ("CompareTechniques", async o =>
        {
            using var call = client.CompareTechniques(new V1.CompareTechniquesRequest { Dataset = dataset, Baseline = "downstream", Techniques = { "bench-8" }, Components = 2, NoIntervals = true, ReferenceFamily = "family-01" }, o);
            await call.ResponseStream.ReadAllAsync().ToListAsync();
        }
        );
        yield return ("RenderPlot", o => client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.ExplainedVariance, Format = V1.PlotFormat.Svg, Dataset = dataset }, o).ResponseAsync);
    }

    /// <summary>
    /// Runs the call with a deadline it cannot meet, waits until the server has no call of that method left and no
    /// computation in a slot, and returns how long after the deadline the handler stopped (the server's record).
    /// </summary>
    public static async Task<TimeSpan> OverrunAsync(ServerHandle server, string method, TimeSpan timeout, Func<CallOptions, Task> call)
    {
        var diagnostics = Diagnostics(server);
        var path = Service + method;
        var before = diagnostics.DeadlineOverruns(path);
        var startedBefore = diagnostics.StartedCalls(path);
        var deadline = DateTime.UtcNow + timeout;
        await Rpc.FailsAsync(StatusCode.DeadlineExceeded, () => call(new CallOptions(deadline: deadline)));

        var wait = Stopwatch.StartNew();
        while (diagnostics.ActiveCalls(path) > 0 || diagnostics.DeadlineOverruns(path) == before || Slots(server).Running > 0)
        {
            // The deadline passed before the call reached its handler (an overloaded machine): no work was done.
            if (diagnostics.StartedCalls(path) == startedBefore && Slots(server).Running == 0 && wait.Elapsed > TimeSpan.FromSeconds(2))
            {
                return TimeSpan.Zero;
            }

            Assert.True(wait.Elapsed < TimeSpan.FromSeconds(30), $"{method} still running (or never started) 30 s after its deadline");
            await Task.Delay(5);
        }

        return diagnostics.LastDeadlineOverrun(path)!.Value;
    }

    /// <summary>
    /// For work that cannot be interrupted (a plot being drawn finishes, then its answer is dropped): the time from the
    /// deadline until the server has no call of the method left and no computation in a slot.
    /// </summary>
    public static async Task<TimeSpan> SlotFreeAfterAsync(ServerHandle server, string method, TimeSpan timeout, Func<CallOptions, Task> call)
    {
        var diagnostics = Diagnostics(server);
        var path = Service + method;
        var deadline = DateTime.UtcNow + timeout;
        await Rpc.FailsAsync(StatusCode.DeadlineExceeded, () => call(new CallOptions(deadline: deadline)));
        var wait = Stopwatch.StartNew();
        while (diagnostics.ActiveCalls(path) > 0 || Slots(server).Running > 0)
        {
            Assert.True(wait.Elapsed < TimeSpan.FromSeconds(30), $"{method} still running 30 s after its deadline");
            await Task.Delay(5);
        }

        return DateTime.UtcNow - deadline;
    }

    public static string Figures(IEnumerable<(string What, TimeSpan Overrun)> overruns) =>
        string.Join(Environment.NewLine, overruns.GroupBy(o => o.What).Select(g =>
        {
            var sorted = g.Select(o => o.Overrun.TotalMilliseconds).Order().ToArray();
            return $"{g.Key}: n={sorted.Length}, median {sorted[sorted.Length / 2]:F1} ms, max {sorted[^1]:F1} ms from deadline to stop";
        }));
}
