using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Synthetic;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Services;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Services;

/// <summary>
/// WatchFits over a real loopback port: every watcher of a dataset receives the refit that a change by
/// another client causes, and a watcher that goes away is dropped without an error on the server.
/// </summary>
public sealed class WatchTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly V1.FitSpec Spec = new()
    {
        Target = "downstream",
        CapabilityMetrics = { Enumerable.Range(1, 8).Select(j => $"bench-{j}") },
        ReferenceFamily = "family-01",
    };

    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> _logs = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "obs-watch-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly List<GrpcChannel> _channels = [];
    private WebApplication? _app;
    private string _address = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _app = ObsScalingServer.Build(
            [$"--ObsScaling:DatabasePath={Path.Combine(_directory, "obs.db")}", "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Information"],
            b =>
            {
                b.Logging.ClearProviders();
                b.Logging.AddProvider(new RecordingLoggerProvider(_logs));
            });
        await _app.StartAsync();
        _address = ObsScalingServer.BoundAddresses(_app).Single();
    }

    public async Task DisposeAsync()
    {
        foreach (var c in _channels)
        {
            c.Dispose();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Two_watchers_both_receive_the_refit_after_a_third_client_appends_a_model()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 7, Families = 10, ModelsPerFamily = 6 }).Models;
        var late = zoo.Models[^1];
        var initial = zoo.Where(m => m.Name != late.Name);
        var owner = NewClient();
        var imported = await Uploads.ImportAsync(owner, "zoo", initial, V1.ImportMode.Create);
        var fit = await Uploads.FitAsync(owner, "zoo", Spec, "law");
        Assert.Equal(initial.Count, fit.Predictions.Count);
        Assert.DoesNotContain(fit.Predictions, p => p.Model == late.Name);

        // Two clients, each on its own connection, watch the dataset and get its fit first.
        using var first = NewClient().WatchFits(new V1.WatchFitsRequest { Dataset = "datasets/zoo", SendInitial = true }, cancellationToken: timeout.Token);
        using var secondCancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        using var second = NewClient().WatchFits(new V1.WatchFitsRequest { Dataset = "zoo", SendInitial = true }, cancellationToken: secondCancel.Token);
        foreach (var watch in new[] { first, second })
        {
            var hello = await NextAsync(watch, timeout.Token);
            Assert.Equal("initial", hello.Reason);
            Assert.Equal(imported.Dataset.Revision, hello.DatasetRevision);
            Assert.Equal(fit, hello.Fit);
        }

        Assert.Equal(2, WatcherCount("zoo"));

        // A third client appends a model.
        var appended = await Uploads.ImportAsync(NewClient(), "zoo", new ModelSet([late], zoo.OrderedMetrics()), V1.ImportMode.Append);
        Assert.Equal(1, appended.ModelsAdded);
        Assert.Equal(imported.Dataset.Revision + 1, appended.Dataset.Revision);
        Assert.NotEqual(imported.Dataset.Etag, appended.Dataset.Etag);
        Assert.Equal(DomainMapping.ContentHash(initial.Upsert([late])), appended.Dataset.Etag);

        var refits = new List<V1.WatchFitsResponse>();
        foreach (var watch in new[] { first, second })
        {
            var refit = await NextAsync(watch, timeout.Token);
            Assert.Equal("refit", refit.Reason);
            Assert.Equal("", refit.Error);
            Assert.Equal(appended.Dataset.Revision, refit.DatasetRevision);
            Assert.Equal(fit.Name, refit.Fit.Name);
            Assert.Equal(appended.Dataset.Revision, refit.Fit.DatasetRevision);
            Assert.Equal(appended.Dataset.Etag, refit.Fit.DatasetEtag);
            Assert.Equal(fit.Predictions.Count + 1, refit.Fit.Predictions.Count);
            Assert.Contains(refit.Fit.Predictions, p => p.Model == late.Name);
            Assert.NotEqual(fit.Law, refit.Fit.Law);
            Assert.Equal(fit.CreateTime, refit.Fit.CreateTime);
            refits.Add(refit);
        }

        Assert.Equal(refits[0], refits[1]);
        var stored = await owner.GetFitAsync(new V1.GetFitRequest { Name = fit.Name }, cancellationToken: timeout.Token);
        Assert.Equal(refits[0].Fit, stored);

        // The second watcher goes away: the server drops it, without an error, and the first still gets refits.
        secondCancel.Cancel();
        var gone = await Assert.ThrowsAsync<RpcException>(() => second.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, gone.StatusCode);
        while (WatcherCount("zoo") != 1)
        {
            await Task.Delay(20, timeout.Token);
        }

        var replaced = late with { Scores = late.Scores.SetItem("downstream", 0.5 * late.Scores["downstream"]) };
        var changed = await Uploads.ImportAsync(NewClient(), "zoo", new ModelSet([replaced], zoo.OrderedMetrics()), V1.ImportMode.Append);
        Assert.Equal(1, changed.ModelsReplaced);
        var again = await NextAsync(first, timeout.Token);
        Assert.Equal("refit", again.Reason);
        Assert.Equal(changed.Dataset.Revision, again.DatasetRevision);
        Assert.Equal(changed.Dataset.Etag, again.Fit.DatasetEtag);
        Assert.Equal(0.5 * late.Scores["downstream"], again.Fit.Predictions.Single(p => p.Model == late.Name).Observed, 12);

        // Nothing went wrong on the server: no warning or error was logged, and the cancelled watch ended as OK.
        Assert.Empty(_logs.Where(l => l.Level >= LogLevel.Warning).Select(l => $"{l.Level} {l.Category}: {l.Message} {l.Exception}"));
        // (Only the cancelled watch has ended; the first is still open.)
        var ended = _logs.Where(l => l.Message.Contains("/WatchFits", StringComparison.Ordinal)).Select(l => l.Message).ToList();
        Assert.Single(ended, m => m.Contains("status=OK", StringComparison.Ordinal));
        Assert.Single(ended);
    }

    [Fact]
    public async Task Watching_a_missing_dataset_is_not_found()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var watch = NewClient().WatchFits(new V1.WatchFitsRequest { Dataset = "datasets/nothing", SendInitial = true }, cancellationToken: timeout.Token);
        var ex = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal(0, WatcherCount("nothing"));
    }

    private V1.ObsScaling.ObsScalingClient NewClient()
    {
        var channel = GrpcChannel.ForAddress(_address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        _channels.Add(channel);
        return new V1.ObsScaling.ObsScalingClient(channel);
    }

    private static async Task<V1.WatchFitsResponse> NextAsync(AsyncServerStreamingCall<V1.WatchFitsResponse> watch, CancellationToken cancellationToken)
    {
        Assert.True(await watch.ResponseStream.MoveNext(cancellationToken), "the watch ended");
        return watch.ResponseStream.Current;
    }

    /// <summary>Watchers the hub holds for a dataset.</summary>
    private int WatcherCount(string dataset) => _app!.Services.GetRequiredService<FitWatchHub>().WatchersOf(dataset);

    private sealed class RecordingLoggerProvider(ConcurrentQueue<(LogLevel, string, string, Exception?)> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Recorder(sink, categoryName);

        public void Dispose()
        {
        }

        private sealed class Recorder(ConcurrentQueue<(LogLevel, string, string, Exception?)> sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Enqueue((logLevel, category, formatter(state, exception), exception));
        }
    }
}
