using System.Diagnostics;
using Npgsql;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Storage;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Stores;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Hosting;

/// <summary>
/// A change committed while no server refitted it (a server killed between the commit and the refit; here the
/// change is written through the store directly, with every server stopped) is refitted when a server starts, and
/// with two replicas starting at once, by exactly one of them.
/// </summary>
public sealed class StaleFitCatchUpTests(PostgresProvider provider, ITestOutputHelper output) : IClassFixture<PostgresProvider>
{
    [Fact]
    public async Task A_server_started_on_a_dataset_changed_since_its_fits_refits_them()
    {
        var dir = Directory.CreateTempSubdirectory("obs-stale-").FullName;
        var db = Path.Combine(dir, "obs.db");
        try
        {
            var zoo = Rpc.SmallZoo(seed: 41);
            await using (var first = await ServerProcess.StartAsync(db, output))
            {
                await Uploads.ImportAsync(first.Client, "stale", zoo, V1.ImportMode.Create);
                await Uploads.FitAsync(first.Client, "stale", Rpc.DownstreamSpec(), "law");
            }

            long revision;
            using (var store = new SqliteStore(db))
            {
                revision = store.Import("stale", V1.ImportMode.Append, "", [.. zoo.OrderedMetrics()], Late(zoo)).Dataset.Revision;
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await using var second = await ServerProcess.StartAsync(db, output);
            var fit = await RefittedAsync(second.Client, "stale", revision);
            Assert.Equal(zoo.Count + Late(zoo).Count, fit.Predictions.Count);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Two_replicas_starting_on_a_stale_fit_refit_it_once()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var dir = Directory.CreateTempSubdirectory("obs-stale-pg-").FullName;
        try
        {
            var args = new[] { "--ObsScaling:Storage=postgres", $"--ObsScaling:ConnectionString={provider.Cluster.ConnectionString}" };
            var zoo = Rpc.SmallZoo(seed: 43);
            await using (var first = await ServerProcess.StartAsync(Path.Combine(dir, "a.db"), output, arguments: args))
            {
                await Uploads.ImportAsync(first.Client, "stale-pg", zoo, V1.ImportMode.Create);
                await Uploads.FitAsync(first.Client, "stale-pg", Rpc.DownstreamSpec(), "law");
            }

            var revision = provider.Datasets.Import("stale-pg", V1.ImportMode.Append, "", [.. zoo.OrderedMetrics()], Late(zoo)).Dataset.Revision;
            var started = await Task.WhenAll(
                ServerProcess.StartAsync(Path.Combine(dir, "a.db"), output, arguments: args),
                ServerProcess.StartAsync(Path.Combine(dir, "b.db"), output, arguments: args));
            await using var a = started[0];
            await using var b = started[1];
            await RefittedAsync(b.Client, "stale-pg", revision);

            // Both replicas found the stale fit; the one that got the lock second found it refitted and published
            // nothing. Give it time to have done so, then count the passes recorded for the other replicas.
            await Task.Delay(TimeSpan.FromSeconds(2));
            await using var connection = new NpgsqlConnection(provider.Cluster.ConnectionString);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM refit_events WHERE dataset_id = 'stale-pg' AND revision = @r", connection);
            count.Parameters.AddWithValue("r", revision);
            Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static List<ModelRecord> Late(ModelSet zoo) =>
        Rpc.SmallZoo(seed: 44, families: 2, perFamily: 5).Models.Select(m => m with { Name = "late-" + m.Name }).Where(m => zoo.Models.All(z => z.Name != m.Name)).ToList();

    /// <summary>Waits (up to 60 s) until the dataset's fit "law" was refitted at <paramref name="revision"/>.</summary>
    private static async Task<V1.Fit> RefittedAsync(V1.ObsScaling.ObsScalingClient client, string dataset, long revision)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var fit = await client.GetFitAsync(new V1.GetFitRequest { Name = $"datasets/{dataset}/fits/law" });
            if (fit.DatasetRevision == revision)
            {
                return fit;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{dataset}'s fit is still at revision {fit.DatasetRevision}, the dataset at {revision}");
            await Task.Delay(50);
        }
    }
}
