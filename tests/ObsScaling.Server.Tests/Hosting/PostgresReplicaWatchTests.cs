using System.Diagnostics;
using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Stores;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Hosting;

/// <summary>
/// Refits across replicas (two server processes on one PostgreSQL database): a change committed through either
/// replica is refitted once, and the watchers on both replicas receive every refit, in revision order, each once,
/// with the same fit, and a delete through either ends the watches on both; the delay from the import's answer to
/// the other replica's watcher is measured.
/// </summary>
public sealed class PostgresReplicaWatchTests(PostgresProvider provider, ITestOutputHelper output) : IClassFixture<PostgresProvider>
{
    [SkippableFact]
    public async Task Watchers_on_every_replica_receive_each_refit_once_in_order_and_end_with_a_delete_whichever_replica_made_it()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var dir = Directory.CreateTempSubdirectory("obs-pg-watch-").FullName;
        try
        {
            var args = new[] { "--ObsScaling:Storage=postgres", $"--ObsScaling:ConnectionString={provider.Cluster.ConnectionString}" };
            await using var a = await ServerProcess.StartAsync(Path.Combine(dir, "obs.db"), output, arguments: args);
            await using var b = await ServerProcess.StartAsync(Path.Combine(dir, "obs.db"), output, arguments: args);
            var zoo = Rpc.SmallZoo(seed: 31, families: 6, perFamily: 6);
            var extra = Rpc.SmallZoo(seed: 32, families: 2, perFamily: 6).Models.Select(m => m with { Name = "late-" + m.Name }).ToList();
            await Uploads.ImportAsync(a.Client, "watched", zoo, V1.ImportMode.Create);
            var fit = await Uploads.FitAsync(a.Client, "watched", Rpc.DownstreamSpec(), "downstream");

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var replicas = new[] { a, b };
            var watches = replicas.Select(r => r.Client.WatchFits(new V1.WatchFitsRequest { Dataset = "datasets/watched", SendInitial = true }, cancellationToken: timeout.Token)).ToList();
            foreach (var w in watches)
            {
                // The initial fit says the watch is registered.
                Assert.Equal("initial", (await NextAsync(w, timeout.Token)).Reason);
            }

            var delays = new List<double>();
            for (var i = 0; i < extra.Count; i++)
            {
                var committer = i % 2;
                var appended = await Uploads.ImportAsync(replicas[committer].Client, "watched", new ModelSet([extra[i]], zoo.OrderedMetrics()), V1.ImportMode.Append);
                var answered = Stopwatch.StartNew();
                var received = new List<V1.WatchFitsResponse>();
                for (var r = 0; r < 2; r++)
                {
                    var next = await NextAsync(watches[r], timeout.Token);
                    if (r != committer)
                    {
                        delays.Add(answered.Elapsed.TotalMilliseconds);
                    }

                    Assert.True(next.Reason == "refit", $"replica {r}: {next.Reason} {next.Error}");
                    Assert.Equal(appended.Dataset.Revision, next.DatasetRevision);
                    Assert.Equal(appended.Dataset.Etag, next.Fit.DatasetEtag);
                    Assert.Contains(next.Fit.Predictions, p => p.Model == extra[i].Name);
                    received.Add(next);
                }

                Assert.Equal(received[0], received[1]);
            }

            var stored = await b.Client.GetFitAsync(new V1.GetFitRequest { Name = fit.Name });
            Assert.Equal(zoo.Count + extra.Count, stored.Predictions.Count);
            // A delete through one replica ends the watches on both.
            await b.Client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "datasets/watched", Force = true });
            foreach (var w in watches)
            {
                Assert.False(await w.ResponseStream.MoveNext(timeout.Token), "a watch of the deleted dataset went on");
            }

            delays.Sort();
            output.WriteLine($"{delays.Count} refits: import answered → watcher on the other replica p50 {delays[delays.Count / 2]:F1} ms, max {delays[^1]:F1} ms (includes the refit itself)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<V1.WatchFitsResponse> NextAsync(AsyncServerStreamingCall<V1.WatchFitsResponse> watch, CancellationToken cancellationToken)
    {
        Assert.True(await watch.ResponseStream.MoveNext(cancellationToken), "the watch ended");
        return watch.ResponseStream.Current;
    }
}
