using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using ObsScaling.Core.Synthetic;
using ObsScaling.Server.Services;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Numerically degenerate data against every heavy RPC: a metric whose scores are 1e-300·i (or true subnormals)
/// used to keep MathNet's SVD running for good, holding the only compute slot and, through the background refit
/// loop, every other dataset's refits. Now it is refused before a solver sees it, and the slot stays free.
/// </summary>
public class DegenerateDataFaultTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1e-300, "1E-300")]
    [InlineData(5e-324, "5E-324")]
    public async Task A_degenerate_column_is_refused_by_every_heavy_RPC_naming_the_metric_and_value(double step, string first)
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:ComputeSlots=1");
        await Uploads.ImportAsync(server.Client, "tiny", HeavyCalls.WithColumn(Rpc.SmallZoo(), "bench-3", step));
        await Uploads.ImportAsync(server.Client, "healthy", Rpc.SmallZoo());

        foreach (var (method, call) in HeavyCalls.Decomposing(server.Client, "datasets/tiny"))
        {
            var clock = Stopwatch.StartNew();
            if (method == "Backtest")
            {
                // A backtest reports a predictor set that cannot be fitted in its rows (why) and answers the others.
                await call(new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20)));
                output.WriteLine($"{method}: answered in {clock.ElapsedMilliseconds} ms");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{method} took {clock.Elapsed}");
                continue;
            }

            var status = await Rpc.FailsAsync(StatusCode.FailedPrecondition, () => call(new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20))));
            output.WriteLine($"{method}: FAILED_PRECONDITION in {clock.ElapsedMilliseconds} ms: {status.Message}");
            var violation = Rpc.Detail<PreconditionFailure>(status).Violations.Single();
            Assert.EndsWith("metrics[bench-3]", violation.Subject, StringComparison.Ordinal);
            Assert.Contains($"(got '{first}..", violation.Description, StringComparison.Ordinal);
            Assert.Contains("numerically constant", violation.Description, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{method} took {clock.Elapsed}");
            Assert.Equal(0, HeavyCalls.Slots(server).Running);
        }

        // The only slot is free: another client's decomposition is answered at once.
        var clockHealthy = Stopwatch.StartNew();
        var healthy = await server.Client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "healthy", Components = 2 }, deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.Equal(2, healthy.Components);
        Assert.True(clockHealthy.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal(0, HeavyCalls.Diagnostics(server).UnexpectedErrors);
    }

    [Fact]
    public async Task Decompose_refuses_a_repeated_metric_naming_the_duplicate()
    {
        await using var server = await ServerHandle.KestrelAsync();
        await Uploads.ImportAsync(server.Client, "zoo", Rpc.SmallZoo());

        var description = await Rpc.InvalidAsync(
            () => server.Client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "zoo", Metrics = { "bench-1", "bench-2", "bench-1" } }).ResponseAsync,
            "metrics[2]",
            "bench-1");

        Assert.Contains("duplicate metric (first given at metrics[0])", description, StringComparison.Ordinal);
    }

    /// <summary>
    /// One dataset whose refit never converges (an endless imputation once missing cells arrive) and one that is
    /// healthy, on a server with a single compute slot: the slow refit ends at its deadline as refit_failed, and the
    /// healthy dataset's watcher still receives a refit for each of its three changes.
    /// </summary>
    [Fact]
    public async Task A_refit_that_never_ends_stops_at_its_deadline_and_does_not_hold_up_other_datasets()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:ComputeSlots=1", "--ObsScaling:RefitTimeout=00:00:03");
        var hub = (FitWatchHub)server.Services.GetService(typeof(FitWatchHub))!;
        var complete = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 21, Families = 30, ModelsPerFamily = 8 }).Models;
        var gappy = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 21, Families = 30, ModelsPerFamily = 8, MissingFraction = 0.2 }).Models;
        await Uploads.ImportAsync(server.Client, "slow", complete);
        var endless = Rpc.DownstreamSpec();
        endless.Imputation = new V1.ImputationSettings { Components = 3, MaxIterations = int.MaxValue, Tolerance = double.Epsilon };
        await Uploads.FitAsync(server.Client, "slow", endless, "endless");
        var zoo = Rpc.SmallZoo();
        await Uploads.ImportAsync(server.Client, "healthy", zoo);
        await Uploads.FitAsync(server.Client, "healthy", Rpc.DownstreamSpec(), "law");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var slowWatch = server.Client.WatchFits(new V1.WatchFitsRequest { Dataset = "slow" }, cancellationToken: timeout.Token);
        using var healthyWatch = server.Client.WatchFits(new V1.WatchFitsRequest { Dataset = "healthy" }, cancellationToken: timeout.Token);
        await WaitAsync(() => hub.WatcherCount == 2, timeout.Token);

        // The slow dataset gains missing cells: its refit now imputes for ever.
        var clock = Stopwatch.StartNew();
        await Uploads.ImportAsync(server.Client, "slow", gappy, V1.ImportMode.Replace);
        for (var change = 0; change < 3; change++)
        {
            var models = HeavyCalls.WithColumn(zoo, "bench-5", 0.01 * (change + 2));
            await Uploads.ImportAsync(server.Client, "healthy", models, V1.ImportMode.Replace);
            var refit = await NextAsync(healthyWatch, "refit", timeout.Token);
            output.WriteLine($"healthy change {change + 1}: refit after {clock.ElapsedMilliseconds} ms");
        }

        var failed = await NextAsync(slowWatch, "refit_failed", timeout.Token);
        output.WriteLine($"slow refit: {failed.Error} after {clock.ElapsedMilliseconds} ms");
        Assert.Contains("ran out of time", failed.Error, StringComparison.Ordinal);
        Assert.Equal("datasets/slow/fits/endless", failed.Fit.Name);

        // The refit's engine stopped too: nothing is left executing in the slot.
        await WaitAsync(() => HeavyCalls.Slots(server).Running == 0, timeout.Token);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.True(hub.FailedRefitCount >= 1);
    }

    private static async Task<V1.WatchFitsResponse> NextAsync(AsyncServerStreamingCall<V1.WatchFitsResponse> watch, string reason, CancellationToken cancellationToken)
    {
        while (await watch.ResponseStream.MoveNext(cancellationToken))
        {
            if (watch.ResponseStream.Current.Reason == reason)
            {
                return watch.ResponseStream.Current;
            }
        }

        throw new InvalidOperationException($"the watch ended before a {reason}");
    }

    private static async Task WaitAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(10, cancellationToken);
        }
    }
}
