using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Stores;

/// <summary>
/// The database going down under load and coming back: while it is down calls fail UNAVAILABLE (never INTERNAL),
/// afterwards they succeed again by themselves, and every import that was acknowledged is there; the gRPC health
/// check says NOT_SERVING while the database is down (a load balancer takes the replica out) and SERVING after.
/// </summary>
public sealed class PostgresOutageTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Calls_fail_unavailable_while_the_database_is_down_then_recover_with_no_acknowledged_write_lost()
    {
        Skip.If(PostgresCluster.Missing is not null, PostgresCluster.Missing);
        using var cluster = new PostgresCluster();
        await using var server = await ServerHandle.InMemoryAsync("--ObsScaling:Storage=postgres", $"--ObsScaling:ConnectionString={cluster.ConnectionString}");
        var client = server.Client;
        var zoo = Rpc.SmallZoo(seed: 11, families: 40, perFamily: 10);
        await Uploads.ImportAsync(client, "outage", zoo.Where(m => m.Name == zoo.Models[0].Name), V1.ImportMode.Create);

        var acknowledged = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<StatusCode, int>();
        var next = 0;
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= zoo.Count)
                {
                    return;
                }

                var model = zoo.Models[i].Name;
                try
                {
                    await Uploads.ImportAsync(client, "outage", zoo.Where(m => m.Name == model), V1.ImportMode.Append);
                    acknowledged.Add(model);
                    statuses.AddOrUpdate(StatusCode.OK, 1, (_, n) => n + 1);
                }
                catch (RpcException ex)
                {
                    statuses.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
                    await Task.Delay(20);
                }
            }
        })).ToList();

        var health = new Health.HealthClient(server.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        await Task.Delay(700);
        cluster.Stop();
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        var down = await Assert.ThrowsAsync<RpcException>(() => client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/outage" }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, down.StatusCode);
        output.WriteLine($"while down: {down.Status.Detail}");
        await Task.Delay(700);
        cluster.Start();
        var back = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/outage" });
                break;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && back.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
            }
        }

        output.WriteLine($"answering again {back.ElapsedMilliseconds} ms after the restart");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        await Task.Delay(500);
        stop.Cancel();
        await Task.WhenAll(writers);

        output.WriteLine(string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value}× {s.Key}")));
        Assert.True(statuses.Keys.All(s => s is StatusCode.OK or StatusCode.Unavailable), "only OK and UNAVAILABLE: " + string.Join(", ", statuses.Keys));
        Assert.True(statuses.GetValueOrDefault(StatusCode.Unavailable) > 0, "the outage was not seen by any writer");
        Assert.True(statuses.GetValueOrDefault(StatusCode.OK) > 0);

        var stored = new HashSet<string>(StringComparer.Ordinal);
        var token = "";
        do
        {
            var page = await client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/outage", PageSize = 200, PageToken = token });
            stored.UnionWith(page.Models.Select(m => m.Name));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Subset(stored, acknowledged.ToHashSet(StringComparer.Ordinal));
    }
}
