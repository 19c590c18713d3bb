using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Net.Client;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Hosting;

/// <summary>Eight clients on their own connections, importing their own datasets and appending to one shared dataset at once.</summary>
public class ConcurrencyTests
{
    private const int Clients = 8;
    private const int AppendsPerClient = 3;
    private const int ModelsPerAppend = 4;

    [Fact]
    public async Task Concurrent_imports_and_appends_leave_every_dataset_complete_and_consistent()
    {
        await using var server = await ServerHandle.KestrelAsync();
        var channels = Enumerable.Range(0, Clients).Select(_ => GrpcChannel.ForAddress(server.Address)).ToArray();
        try
        {
            var zoos = Enumerable.Range(0, Clients).Select(i => Rpc.SmallZoo(seed: 100 + i)).ToArray();
            var sharedResponses = new ConcurrentBag<V1.ImportModelsResponse>();
            var observed = new ConcurrentBag<V1.Dataset>();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            var workers = Enumerable.Range(0, Clients).Select(i => Task.Run(async () =>
            {
                var client = new V1.ObsScaling.ObsScalingClient(channels[i]);
                await start.Task;
                for (var b = 0; b < AppendsPerClient; b++)
                {
                    var models = Enumerable.Range(0, ModelsPerAppend).Select(k => Rpc.Model(SharedName(i, b, k), $"client-{i}", ("a", Score(i, b, k)), ("b", 1 - Score(i, b, k)))).ToArray();
                    sharedResponses.Add(await Rpc.ImportRawAsync(client, Rpc.Import("shared", [Rpc.Metric("a"), Rpc.Metric("b")], models)));
                    if (b == 0)
                    {
                        await Uploads.ImportAsync(client, $"own-{i}", zoos[i], V1.ImportMode.Create);
                    }

                    // Reads in between see whole imports only.
                    observed.Add(await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "shared" }));
                }
            })).ToArray();
            start.SetResult();
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(5));

            var client = server.Client;

            // Every shared import got its own revision, one after another.
            var responses = sharedResponses.OrderBy(r => r.Dataset.Revision).ToArray();
            Assert.Equal(Enumerable.Range(1, Clients * AppendsPerClient).Select(r => (long)r), responses.Select(r => r.Dataset.Revision));
            Assert.All(responses, r =>
            {
                Assert.Equal(ModelsPerAppend, r.ModelsAdded);
                Assert.Equal(0, r.ModelsReplaced);
                Assert.Equal(r.Dataset.Revision * ModelsPerAppend, r.Dataset.ModelCount);
            });
            Assert.All(observed, d => Assert.Equal(d.Revision * ModelsPerAppend, d.ModelCount));

            var shared = await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "shared" });
            Assert.Equal(Clients * AppendsPerClient, shared.Revision);
            Assert.Equal(Clients * AppendsPerClient * ModelsPerAppend, shared.ModelCount);
            Assert.Equal(responses[^1].Dataset.Etag, shared.Etag);
            Assert.Equal(Enumerable.Range(0, Clients).Select(i => $"client-{i}").Order(), shared.Families.Order());

            var listed = await AllModelsAsync(client, "shared");
            Assert.Equal(shared.ModelCount, listed.Count);
            Assert.Equal(listed.Count, listed.Select(m => m.Name).Distinct().Count());
            for (var i = 0; i < Clients; i++)
            {
                // Each client's models are all there, in the order it sent them, with the scores it sent.
                var mine = listed.Where(m => m.Family == $"client-{i}").ToArray();
                Assert.Equal(
                    Enumerable.Range(0, AppendsPerClient).SelectMany(b => Enumerable.Range(0, ModelsPerAppend).Select(k => SharedName(i, b, k))),
                    mine.Select(m => m.Name));
                Assert.All(mine, m => Assert.Equal(ScoreOf(m.Name), m.Scores["a"]));
            }

            // The etag is the hash of exactly the listed content, and reads agree with each other.
            Assert.Equal(shared.Etag, ContentHash(shared, listed));
            Assert.Equal(shared.Etag, (await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "shared" })).Etag);

            for (var i = 0; i < Clients; i++)
            {
                var own = await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = $"own-{i}" });
                Assert.Equal(1, own.Revision);
                Assert.Equal(zoos[i].Count, own.ModelCount);
                var models = await AllModelsAsync(client, $"own-{i}");
                Assert.Equal(zoos[i].Models.Select(m => m.Name), models.Select(m => m.Name));
                Assert.Equal(DomainMapping.ContentHash(zoos[i]), own.Etag);
                Assert.Equal(own.Etag, ContentHash(own, models));
                Assert.Equal(own.Etag, (await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = $"own-{i}" })).Etag);
            }

            Assert.Equal(Clients + 1, (await client.ListDatasetsAsync(new V1.ListDatasetsRequest())).TotalSize);
        }
        finally
        {
            foreach (var c in channels)
            {
                c.Dispose();
            }
        }
    }

    private static string SharedName(int client, int batch, int k) => $"c{client}-b{batch}-m{k}";

    private static double Score(int client, int batch, int k) => ((client * 100) + (batch * 10) + k + 1) / 1000.0;

    private static double ScoreOf(string name)
    {
        var parts = name.Split('-');
        return Score(int.Parse(parts[0][1..], CultureInfo.InvariantCulture), int.Parse(parts[1][1..], CultureInfo.InvariantCulture), int.Parse(parts[2][1..], CultureInfo.InvariantCulture));
    }

    private static string ContentHash(V1.Dataset dataset, IEnumerable<V1.Model> models) =>
        DomainMapping.ContentHash(new ModelSet(models.Select(m => m.ToDomain()), dataset.Metrics.Select(m => m.ToDomain())));

    private static async Task<List<V1.Model>> AllModelsAsync(V1.ObsScaling.ObsScalingClient client, string dataset)
    {
        var all = new List<V1.Model>();
        var token = "";
        do
        {
            var page = await client.ListModelsAsync(new V1.ListModelsRequest { Parent = dataset, PageSize = 7, PageToken = token });
            all.AddRange(page.Models);
            token = page.NextPageToken;
        }
        while (token.Length > 0 && all.Count < 10_000);

        return all;
    }
}
