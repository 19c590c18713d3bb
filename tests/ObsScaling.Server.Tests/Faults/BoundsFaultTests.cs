using System.Diagnostics;
using Grpc.Core;
using ObsScaling.Core.Synthetic;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Every size a request can ask for is bounded (alone and as a product), and the heavy RPCs that used to ignore
/// their deadline (CompareTechniques ran 22 s past 3 s, RenderPlot 5.8 s past 1 s) stop — measured on the server,
/// on a single compute slot, so that a follow-up heavy call proves the slot was given back.
/// </summary>
[Collection(TimingSensitive.Name)]
public class BoundsFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sizes_beyond_their_bounds_are_refused_naming_the_field_and_the_bound()
    {
        await using var server = await ServerHandle.KestrelAsync();
        await Uploads.ImportAsync(server.Client, "zoo", Rpc.SmallZoo());

        var product = await Rpc.InvalidAsync(() => CompareAsync(server, 100_000, 101, null), "intervals.resamples", "100000");
        Assert.Contains("100000 × 101 × 2", product, StringComparison.Ordinal);
        Assert.Contains("20000000", product, StringComparison.Ordinal);

        var points = await Rpc.InvalidAsync(() => CompareAsync(server, 0, 30_000, null, noIntervals: true), "grid_points", "30000");
        Assert.Contains("50000", points, StringComparison.Ordinal);

        var pixels = await Rpc.InvalidAsync(
            () => server.Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.ExplainedVariance, Dataset = "zoo", Width = 8000, Height = 8000 }).ResponseAsync,
            "width",
            "8000");
        Assert.Contains("4194304 pixels", pixels, StringComparison.Ordinal);

        var budgets = new V1.SelectSubsetRequest { Dataset = "zoo", MaxFamilies = 3, Components = 2 };
        budgets.Budgets.AddRange(Enumerable.Range(1, 101));
        var many = await Rpc.InvalidAsync(() => Rpc.SelectAsync(server.Client, budgets), "budgets", "101 budgets");
        Assert.Contains("at most 100", many, StringComparison.Ordinal);
        Assert.Equal(0, HeavyCalls.Diagnostics(server).UnexpectedErrors);
    }

    [Fact]
    public async Task Heavy_RPCs_stop_working_at_their_deadline_and_give_the_slot_back()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:ComputeSlots=1");
        await Uploads.ImportAsync(server.Client, "zoo", Rpc.SmallZoo());
        var families = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 5, Families = 60, ModelsPerFamily = 2 }).Models;
        await Uploads.ImportAsync(server.Client, "families", families);

        // Warm up: JIT, the decomposition cache the plot reads, SkiaSharp.
        await server.Client.RenderPlotAsync(new V1.RenderPlotRequest { Kind = V1.PlotKind.Loadings, Dataset = "zoo", Width = 400, Height = 400 });
        await CompareAsync(server, 20, 5, null);

        var overruns = new List<(string What, TimeSpan Overrun)>();
        for (var round = 0; round < FaultScale.Cases(2, 8); round++)
        {
            var timeout = TimeSpan.FromMilliseconds(400 + (100 * round));
            overruns.Add(("CompareTechniques, 50,000 resamples", await HeavyCalls.SlotFreeAfterAsync(server, "CompareTechniques", timeout, o => CompareAsync(server, 50_000, 101, o))));
            overruns.Add(("RenderPlot, 2048 × 2048 PNG", await HeavyCalls.SlotFreeAfterAsync(server, "RenderPlot", TimeSpan.FromMilliseconds(1), o => server.Client.RenderPlotAsync(
                new V1.RenderPlotRequest { Kind = V1.PlotKind.Loadings, Dataset = "zoo", Width = 2048, Height = 2048, Format = V1.PlotFormat.Png }, o).ResponseAsync)));
            overruns.Add(("SelectSubset, exhaustive over 60 families", await HeavyCalls.SlotFreeAfterAsync(server, "SelectSubset", timeout, o => Rpc.SelectAsync(
                server.Client,
                new V1.SelectSubsetRequest { Dataset = "families", Budgets = { 10, 12 }, MaxFamilies = 6, Components = 2, Method = V1.SubsetSearchMethod.Exhaustive },
                o))));
        }

        output.WriteLine(HeavyCalls.Figures(overruns));

        // Rendering cannot be interrupted: its bound is the pixel limit. The others check their token inside.
        Assert.All(overruns, o => Assert.True(o.Overrun <= TimeSpan.FromSeconds(o.What.StartsWith("RenderPlot", StringComparison.Ordinal) ? 5 : 2), $"{o.What} kept working {o.Overrun.TotalMilliseconds:F0} ms past its deadline"));

        var clock = Stopwatch.StartNew();
        await CompareAsync(server, 20, 5, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20)));
        output.WriteLine($"follow-up comparison on the single slot: {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(0, HeavyCalls.Diagnostics(server).UnexpectedErrors);
    }

    private static async Task CompareAsync(ServerHandle server, int resamples, int gridPoints, CallOptions? options, bool noIntervals = false)
    {
        var request = new V1.CompareTechniquesRequest { Dataset = "zoo", Baseline = "downstream", Techniques = { "bench-8" }, Components = 2, ReferenceFamily = "family-01", GridPoints = gridPoints, NoIntervals = noIntervals };
        if (!noIntervals)
        {
            request.Intervals = new V1.IntervalSettings { Method = V1.IntervalMethod.ModelBootstrap, Resamples = resamples, Seed = 1 };
        }

        using var call = server.Client.CompareTechniques(request, options ?? default);
        await call.ResponseStream.ReadAllAsync().ToListAsync();
    }
}
