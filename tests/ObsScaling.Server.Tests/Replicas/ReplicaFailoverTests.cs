using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Npgsql;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Replicas;

/// <summary>
/// The multi-replica proof (issue 12, item 5): two server processes on one PostgreSQL database behind one address
/// (<see cref="GrpcProxy"/>), clients importing, fitting and forecasting through it while one replica is killed
/// with SIGKILL and restarted on its port. Watchers connected straight to each replica receive every refit the
/// database recorded, in revision order; every acknowledged write is readable through the proxy afterwards; calls
/// that failed during the kill failed UNAVAILABLE, never INTERNAL. Also measured: forecasts per second over streams
/// through the proxy with one and with two replicas, and the delay from an append's answer to the refit reaching
/// a watcher on the other replica. <c>OBS_FAULTS_LONG=1</c> runs the load for a minute with a kill every 10 s.
/// </summary>
public sealed class ReplicaFailoverTests(ITestOutputHelper output)
{
    private const string Watched = "watched";
    private const string Forecasting = "forecasting";
    private static readonly bool Long = Environment.GetEnvironmentVariable("OBS_FAULTS_LONG") == "1";

    [SkippableFact]
    public async Task Two_replicas_behind_one_proxy_lose_no_acknowledged_write_and_deliver_every_refit_in_order_across_a_sigkill()
    {
        Skip.If(PostgresCluster.Missing is not null, PostgresCluster.Missing);
        using var cluster = new PostgresCluster();
        var dir = Directory.CreateTempSubdirectory("obs-replicas-").FullName;
        var replicas = new ServerProcess[2];
        var ports = new[] { FreePort(), FreePort() };
        try
        {
            for (var i = 0; i < replicas.Length; i++)
            {
                replicas[i] = await StartReplicaAsync(cluster, dir, ports[i]);
            }

            var zoo = Rpc.SmallZoo(seed: 41, families: 6, perFamily: 6);
            await Uploads.ImportAsync(replicas[0].Client, Watched, zoo, V1.ImportMode.Create);
            var watchedFit = await Uploads.FitAsync(replicas[0].Client, Watched, Rpc.DownstreamSpec(), "downstream");
            await Uploads.ImportAsync(replicas[0].Client, Forecasting, zoo, V1.ImportMode.Create);
            var forecastFit = await Uploads.FitAsync(replicas[0].Client, Forecasting, Rpc.DownstreamSpec(), "downstream");
            var inputs = zoo.Models.Take(20).Select(m => ForecastInput(m, zoo)).ToList();

            await using var single = await GrpcProxy.StartAsync([replicas[0].Address]);
            await using var proxy = await GrpcProxy.StartAsync(replicas.Select(r => r.Address).ToList());
            var oneRate = await ForecastRateAsync(single.Client, forecastFit.Name, inputs);
            var twoRate = await ForecastRateAsync(proxy.Client, forecastFit.Name, inputs);
            output.WriteLine($"forecasts through the proxy, 8 streams: one replica {oneRate:F0}/s, two replicas {twoRate:F0}/s (×{twoRate / oneRate:F2})");

            var clock = Stopwatch.StartNew();
            var steady = await WatchRecorder.StartAsync("replica-0", replicas[0].Client, Watched, clock);
            var watchers = new List<WatchRecorder> { steady, await WatchRecorder.StartAsync("replica-1", replicas[1].Client, Watched, clock) };
            try
            {
                var load = new Load(proxy.Client, zoo, forecastFit.Name, inputs);
                using var stop = new CancellationTokenSource();
                var clients = Enumerable.Range(0, 4).Select(k => Task.Run(() => load.RunAsync(k, stop.Token))).ToList();
                var duration = TimeSpan.FromSeconds(Long ? 60 : 9);
                var kills = 0;
                for (var at = TimeSpan.FromSeconds(2); at < duration - TimeSpan.FromSeconds(2); at += TimeSpan.FromSeconds(10))
                {
                    await DelayUntilAsync(clock, at);
                    output.WriteLine($"[{clock.Elapsed.TotalSeconds:F2} s] SIGKILL replica 1 (pid {replicas[1].Process.Id})");
                    // Killed before its channel is disposed, so the watch on it sees the process die, not the test.
                    replicas[1].Kill();
                    var orphan = watchers.Last(w => w.Replica.StartsWith("replica-1", StringComparison.Ordinal));
                    for (var waited = Stopwatch.StartNew(); !orphan.Ended && waited.Elapsed < TimeSpan.FromSeconds(10);)
                    {
                        await Task.Delay(10);
                    }

                    await replicas[1].DisposeAsync();
                    await Task.Delay(300);
                    replicas[1] = await StartReplicaAsync(cluster, dir, ports[1]);
                    watchers.Add(await WatchRecorder.StartAsync($"replica-1 after restart {++kills}", replicas[1].Client, Watched, clock));
                    output.WriteLine($"[{clock.Elapsed.TotalSeconds:F2} s] replica 1 back, watching again from revision {watchers[^1].Initial.DatasetRevision}");
                }

                await DelayUntilAsync(clock, duration);
                stop.Cancel();
                await Task.WhenAll(clients);
                output.WriteLine(load.Summary());
                output.WriteLine($"proxy errors, each answered UNAVAILABLE: {proxy.Errors.Count}" + string.Concat(proxy.Errors.Select(e => "\n  " + e)));

                // A change whose committer was killed before its refit pass stays unrefitted until the next change;
                // one more append through the steady replica makes the last revision one every watcher must reach.
                var stale = await proxy.Client.GetFitAsync(new V1.GetFitRequest { Name = watchedFit.Name });
                var before = await proxy.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/" + Watched });
                output.WriteLine($"when the load stopped: dataset at revision {before.Revision}, its fit {(stale.DatasetEtag == before.Etag ? "refitted at it" : "not yet refitted at it")}");
                var final = await Uploads.ImportAsync(replicas[0].Client, Watched, new ModelSet([zoo.Models[0] with { Name = "final" }], zoo.OrderedMetrics()), V1.ImportMode.Append);
                load.Appended["final"] = final.Dataset.Revision;
                var live = watchers.Where(w => !w.Ended).ToList();
                var waiting = Stopwatch.StartNew();
                while (live.Any(w => w.LastRevision < final.Dataset.Revision) && waiting.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(50);
                }

                // Calls that failed failed UNAVAILABLE (the replica under them died or was out of rotation).
                Assert.True(load.Failures.IsEmpty, load.Summary() + "\n" + string.Join("\n", load.Failures));
                Assert.True(load.Appended.Count > 10 && load.Fitted.Count > 3 && load.Forecasts > 100, load.Summary());

                // Every refit the database recorded for the dataset reached the watcher that never lost its
                // replica, in order, and each restarted watcher got every one after the fit it started from.
                var recorded = await RecordedRefitsAsync(cluster.ConnectionString);
                Assert.NotEmpty(recorded);
                Assert.Equal(final.Dataset.Revision, recorded[^1]);
                foreach (var w in watchers)
                {
                    var revisions = w.Received.Select(r => r.Message.DatasetRevision).ToList();
                    Assert.True(w.Received.All(r => r.Message.Reason == "refit"), $"{w.Replica}: {string.Join(", ", w.Received.Select(r => r.Message.Reason + " " + r.Message.Error))}");
                    Assert.True(revisions.Zip(revisions.Skip(1)).All(p => p.First < p.Second), $"{w.Replica} out of order: {string.Join(", ", revisions)}");
                    if (w.Ended)
                    {
                        // A killed replica's watch ends UNAVAILABLE, having received a prefix of the refits.
                        Assert.True(w.EndedWith == StatusCode.Unavailable, $"{w.Replica} ended {w.EndedWith}: {w.EndedDetail}");
                        Assert.Equal(recorded.Where(r => r > w.Initial.DatasetRevision).Take(revisions.Count), revisions);
                    }
                    else
                    {
                        Assert.Equal(recorded.Where(r => r > w.Initial.DatasetRevision), revisions);
                    }
                }

                Assert.False(steady.Ended, "the watch on the replica that was never killed ended");
                output.WriteLine($"{recorded.Count} refits recorded for {load.Appended.Count} acknowledged appends (concurrent appends are refitted together); watchers: "
                    + string.Join("; ", watchers.Select(w => $"{w.Replica} from r{w.Initial.DatasetRevision}: {w.Received.Count}{(w.Ended ? $", ended {w.EndedWith}" : "")}")));

                // Every acknowledged write is readable through the proxy: models, their revision's refit, fits.
                var stored = await ModelNamesAsync(proxy.Client, Watched);
                Assert.Subset(stored, load.Appended.Keys.ToHashSet(StringComparer.Ordinal));
                var refitted = await proxy.Client.GetFitAsync(new V1.GetFitRequest { Name = watchedFit.Name });
                Assert.Subset(refitted.Predictions.Select(p => p.Model).ToHashSet(StringComparer.Ordinal), load.Appended.Keys.ToHashSet(StringComparer.Ordinal));
                foreach (var (name, revision) in load.Appended)
                {
                    Assert.Contains(recorded, r => r >= revision);
                }

                foreach (var fit in load.Fitted)
                {
                    Assert.Equal(fit, (await proxy.Client.GetFitAsync(new V1.GetFitRequest { Name = fit })).Name);
                }

                await MeasureRefitDelayAsync(replicas, watchers.Where(w => !w.Ended).ToList(), zoo, clock);
            }
            finally
            {
                foreach (var w in watchers)
                {
                    w.Dispose();
                }
            }
        }
        finally
        {
            foreach (var r in replicas.Where(r => r is not null))
            {
                await r.DisposeAsync();
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Appends through one replica, alternately, and times the answer → the watcher on the other replica
    /// receiving the refit of that revision (the refit itself included).
    /// </summary>
    private async Task MeasureRefitDelayAsync(ServerProcess[] replicas, List<WatchRecorder> live, ModelSet zoo, Stopwatch clock)
    {
        var watcherOf = new[] { live.Single(w => w.Replica == "replica-0"), live.Single(w => w.Replica != "replica-0") };
        var delays = new List<double>();
        var samples = Long ? 200 : 40;
        for (var i = 0; i < samples; i++)
        {
            var committer = i % 2;
            var other = watcherOf[1 - committer];
            var appended = await Uploads.ImportAsync(replicas[committer].Client, Watched, new ModelSet([zoo.Models[i % zoo.Count] with { Name = $"timed-{i}" }], zoo.OrderedMetrics()), V1.ImportMode.Append);
            var answered = clock.Elapsed;
            while (other.LastRevision < appended.Dataset.Revision)
            {
                Assert.True(clock.Elapsed - answered < TimeSpan.FromSeconds(10), $"no refit of revision {appended.Dataset.Revision} on {other.Replica}");
                await Task.Delay(1);
            }

            var arrived = other.Received.First(r => r.Message.DatasetRevision >= appended.Dataset.Revision).At;
            delays.Add(Math.Max(0, (arrived - answered).TotalMilliseconds));
        }

        delays.Sort();
        output.WriteLine($"append answered → refit on the other replica's watcher, {delays.Count} appends: p50 {Percentile(delays, 0.50):F1} ms, p99 {Percentile(delays, 0.99):F1} ms, max {delays[^1]:F1} ms (includes the refit; polled every ~1 ms)");
    }

    private static async Task DelayUntilAsync(Stopwatch clock, TimeSpan at)
    {
        if (at > clock.Elapsed)
        {
            await Task.Delay(at - clock.Elapsed);
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>8 concurrent Forecast streams for 3 s, each a setup and 20 inputs at a time; answers per second.</summary>
    private static async Task<double> ForecastRateAsync(V1.ObsScaling.ObsScalingClient client, string fit, List<V1.ForecastInput> inputs)
    {
        var answered = 0L;
        var clock = Stopwatch.StartNew();
        var window = TimeSpan.FromSeconds(3);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < window)
            {
                var results = await Rpc.ForecastAsync(client, [new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit } }, .. inputs.Select(x => new V1.ForecastRequest { Input = x })]);
                Assert.Equal(inputs.Count, results.Count);
                Interlocked.Add(ref answered, results.Count);
            }
        })));
        return answered / clock.Elapsed.TotalSeconds;
    }

    private static V1.ForecastInput ForecastInput(ModelRecord model, ModelSet zoo)
    {
        var scores = new V1.MetricScores();
        foreach (var metric in zoo.OrderedMetrics().Select(m => m.Name).Where(n => n != "downstream" && model.Scores.ContainsKey(n)))
        {
            scores.Values[metric] = model.Scores[metric];
        }

        return new V1.ForecastInput { Model = model.Name, Family = model.Family, Scores = scores };
    }

    private static async Task<List<long>> RecordedRefitsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT revision FROM refit_events WHERE dataset_id = @d ORDER BY id", connection);
        command.Parameters.AddWithValue("d", Watched);
        var revisions = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            revisions.Add(reader.GetInt64(0));
        }

        return revisions;
    }

    private static async Task<HashSet<string>> ModelNamesAsync(V1.ObsScaling.ObsScalingClient client, string dataset)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var token = "";
        do
        {
            var page = await client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/" + dataset, PageSize = 200, PageToken = token });
            names.UnionWith(page.Models.Select(m => m.Name));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        return names;
    }

    private Task<ServerProcess> StartReplicaAsync(PostgresCluster cluster, string dir, int port) =>
        ServerProcess.StartAsync(Path.Combine(dir, "unused.db"), output, arguments:
        [
            $"--urls=http://127.0.0.1:{port}",
            "--ObsScaling:Storage=postgres",
            $"--ObsScaling:ConnectionString={cluster.ConnectionString};Maximum Pool Size=20",
        ]);

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>The load generator: each client appends a model, creates a fit, runs a forecast stream, in turn.</summary>
    private sealed class Load(V1.ObsScaling.ObsScalingClient client, ModelSet zoo, string forecastFit, List<V1.ForecastInput> inputs)
    {
        private long _forecasts;

        /// <summary>Acknowledged appends: model name → the dataset revision the answer gave.</summary>
        public ConcurrentDictionary<string, long> Appended { get; } = new(StringComparer.Ordinal);

        public ConcurrentBag<string> Fitted { get; } = [];

        public ConcurrentDictionary<StatusCode, int> Statuses { get; } = new();

        /// <summary>Calls that failed with anything but UNAVAILABLE, with their status.</summary>
        public ConcurrentBag<string> Failures { get; } = [];

        public long Forecasts => Interlocked.Read(ref _forecasts);

        public async Task RunAsync(int k, CancellationToken stop)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    switch (i % 3)
                    {
                        case 0:
                            var name = $"load-{k}-{i}";
                            var appended = await Uploads.ImportAsync(client, Watched, new ModelSet([zoo.Models[(k * 7 + i) % zoo.Count] with { Name = name }], zoo.OrderedMetrics()), V1.ImportMode.Append);
                            Appended[name] = appended.Dataset.Revision;
                            break;
                        case 1:
                            var fit = await Uploads.FitAsync(client, Forecasting, Rpc.DownstreamSpec(), $"load-{k}-{i}");
                            Fitted.Add(fit.Name);
                            break;
                        default:
                            var results = await Rpc.ForecastAsync(client, [new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = forecastFit } }, .. inputs.Select(x => new V1.ForecastRequest { Input = x })]);
                            Assert.Equal(inputs.Count, results.Count);
                            Interlocked.Add(ref _forecasts, results.Count);
                            break;
                    }

                    Statuses.AddOrUpdate(StatusCode.OK, 1, (_, n) => n + 1);
                }
                catch (RpcException ex)
                {
                    Statuses.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
                    if (ex.StatusCode != StatusCode.Unavailable)
                    {
                        Failures.Add($"client {k} call {i}: {ex.Status}");
                    }

                    await Task.Delay(50, CancellationToken.None);
                }
            }
        }

        public string Summary() =>
            $"load: {Appended.Count} appends, {Fitted.Count} fits, {Forecasts} forecasts acknowledged; calls: "
            + string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Value}× {s.Key}"));
    }
}
