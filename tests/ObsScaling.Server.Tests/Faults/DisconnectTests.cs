using Grpc.Core;
using ObsScaling.Core.Synthetic;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Services;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Hosting;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Clients that walk away mid-stream (the call disposed: HTTP/2 RST_STREAM) at seeded random points: the server
/// ends their handlers, drops their watches and stores nothing half-done.
/// </summary>
public class DisconnectTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Clients_that_go_away_mid_stream_leave_no_call_watch_or_partial_write_behind()
    {
        await using var server = await ServerHandle.KestrelAsync();
        var diagnostics = (CallDiagnostics)server.Services.GetService(typeof(CallDiagnostics))!;
        var hub = (FitWatchHub)server.Services.GetService(typeof(FitWatchHub))!;
        var zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 22, Families = 30, ModelsPerFamily = 8, MissingFraction = 0.1 }).Models;
        await Uploads.ImportAsync(server.Client, "walk", zoo);
        var fit = await Uploads.FitAsync(server.Client, "walk", Rpc.DownstreamSpec(), "law");
        var heavy = Rpc.DownstreamSpec();
        heavy.Intervals = new V1.IntervalSettings { Method = V1.IntervalMethod.FamilyBootstrap, Resamples = 100_000 };

        var random = new Random(FaultScale.Seed);
        var rounds = FaultScale.Cases(12, 100);
        var abandoned = new List<Task>();
        for (var i = 0; i < rounds; i++)
        {
            var pause = TimeSpan.FromMilliseconds(random.Next(0, 60));
            var inputs = random.Next(0, 400);
            abandoned.Add(AbandonForecastAsync(server.Client, fit.Name, inputs, pause));
            abandoned.Add(AbandonWatchAsync(server.Client, pause));
            abandoned.Add(AbandonFitAsync(server.Client, $"gone-{i}", heavy, random.Next(1, 3), pause));
            abandoned.Add(AbandonImportAsync(server.Client, $"gone-{i}", zoo, random.Next(0, zoo.Count)));
        }

        await Task.WhenAll(abandoned);
        var wait = System.Diagnostics.Stopwatch.StartNew();
        while ((diagnostics.ActiveCalls() > 0 || hub.WatcherCount > 0) && wait.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        output.WriteLine($"{abandoned.Count} calls abandoned mid-stream; all handlers ended and watches dropped {wait.ElapsedMilliseconds} ms after the last client left");
        Assert.Equal(0, diagnostics.ActiveCalls());
        Assert.Equal(0, hub.WatcherCount);
        Assert.Equal(0, diagnostics.UnexpectedErrors);

        // Nothing half-done: the abandoned fits and imports are absent, the dataset is as imported.
        var fits = await server.Client.ListFitsAsync(new V1.ListFitsRequest { Parent = "walk", PageSize = 1000 });
        Assert.Equal(["datasets/walk/fits/law"], fits.Fits.Select(f => f.Name));
        var datasets = await server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = 1000 });
        Assert.Equal(["datasets/walk"], datasets.Datasets.Select(d => d.Name));
        await WireTests.AssertServingAsync(server);
    }

    private static async Task AbandonForecastAsync(V1.ObsScaling.ObsScalingClient client, string fit, int inputs, TimeSpan pause)
    {
        using var call = client.Forecast();
        await call.RequestStream.WriteAsync(new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit } });
        for (var i = 0; i < inputs; i++)
        {
            await call.RequestStream.WriteAsync(new V1.ForecastRequest { Input = new V1.ForecastInput { Model = "m" + i, Coordinates = new V1.Coordinates { Values = { 0.01 * i, -0.02 } } } });
        }

        if (inputs > 0)
        {
            Assert.True(await call.ResponseStream.MoveNext());
        }

        await Task.Delay(pause);
    }

    private static async Task AbandonWatchAsync(V1.ObsScaling.ObsScalingClient client, TimeSpan pause)
    {
        using var call = client.WatchFits(new V1.WatchFitsRequest { Dataset = "walk", SendInitial = true });
        Assert.True(await call.ResponseStream.MoveNext());
        await Task.Delay(pause);
    }

    private static async Task AbandonFitAsync(V1.ObsScaling.ObsScalingClient client, string id, V1.FitSpec spec, int events, TimeSpan pause)
    {
        using var call = client.CreateFit(new V1.CreateFitRequest { Parent = "walk", FitId = id, Spec = spec });
        for (var i = 0; i < events; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext());
        }

        await Task.Delay(pause);
    }

    private static async Task AbandonImportAsync(V1.ObsScaling.ObsScalingClient client, string dataset, Core.Domain.ModelSet models, int sent)
    {
        using var call = client.ImportModels();
        var header = new V1.ImportHeader { Dataset = dataset };
        header.Metrics.AddRange(Rpc.Metrics(models));
        await call.RequestStream.WriteAsync(new V1.ImportModelsRequest { Header = header });
        foreach (var m in models.Models.Take(sent))
        {
            await call.RequestStream.WriteAsync(new V1.ImportModelsRequest { Model = ObsScaling.Server.Mapping.DomainMapping.ToProto(m) });
        }
    }
}
