using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Synthetic;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Hosting;

/// <summary>
/// The server process is killed (not stopped) in the middle of imports and fits, then started again on the
/// same database file: what was committed before is intact, and what was interrupted is absent or complete.
/// </summary>
public class RestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private static readonly V1.FitSpec Spec = new()
    {
        Target = "downstream",
        CapabilityMetrics = { Enumerable.Range(1, 8).Select(j => $"bench-{j}") },
        ReferenceFamily = "family-01",
    };

    [Fact]
    public async Task Killed_mid_import_or_mid_fit_the_store_keeps_committed_data_and_drops_or_completes_the_interrupted()
    {
        var total = Stopwatch.StartNew();
        var dir = Path.Combine(Path.GetTempPath(), "obs-restart-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        var db = Path.Combine(dir, "obs.db");
        try
        {
            var small = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 3, Families = 8, ModelsPerFamily = 5 }).Models;
            var medium = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 4, Families = 12, ModelsPerFamily = 6 }).Models;
            var fitted = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 5, Families = 100, ModelsPerFamily = 8, MissingFraction = 0.1 }).Models;
            var large = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 6, Families = 400, ModelsPerFamily = 10, Benchmarks = 20 }).Models;
            var largeEtag = DomainMapping.ContentHash(large);
            Assert.Equal(4_000, large.Count);

            // Commit a few datasets and a fit, and take a snapshot of everything stored.
            var committed = new Dictionary<string, Snapshot>(StringComparer.Ordinal);
            var storeTime = TimeSpan.Zero;
            await using (var server = await ServerProcess.StartAsync(db, output))
            {
                await ImportAsync(server.Client, "alpha", small, V1.ImportMode.Create);
                await ImportAsync(server.Client, "beta", medium, V1.ImportMode.Create);
                await ImportAsync(server.Client, "gamma", fitted, V1.ImportMode.Create);
                var fit = await FitAsync(server.Client, "gamma", "law");
                Assert.True(fit.Law.Converged, fit.Law.SolverMessage);

                // How long the server takes to store a large import once its stream is complete: the later kills
                // are timed as fractions of it, so that they land while the server validates and writes.
                var timed = Stopwatch.StartNew();
                var epsilon = await ImportAsync(server.Client, "epsilon", large, V1.ImportMode.Create, () => timed.Restart());
                storeTime = timed.Elapsed;
                output.WriteLine($"a {large.Count}-model import is stored {storeTime.TotalMilliseconds:F0} ms after its last message");
                Assert.Equal(largeEtag, epsilon.Dataset.Etag);
                foreach (var id in new[] { "alpha", "beta", "gamma", "epsilon" })
                {
                    committed[id] = await SnapshotAsync(server.Client, id);
                }

                Assert.Equal(DomainMapping.ContentHash(small), committed["alpha"].Dataset.Etag);
                Assert.Equal(DomainMapping.ContentHash(fitted), committed["gamma"].Dataset.Etag);
                Assert.Single(committed["gamma"].Fits);

                // 1. Killed while the client is still streaming a large import: nothing of it may be stored.
                using var import = server.Client.ImportModels(deadline: DateTime.UtcNow + CallTimeout);
                await WriteHeaderAsync(import, "delta", large, V1.ImportMode.Create);
                foreach (var m in large.Models.Take(1500))
                {
                    await import.RequestStream.WriteAsync(new V1.ImportModelsRequest { Model = m.ToProto() });
                }

                server.Kill();
            }

            // 2. Killed right after a large import's last message: it is stored wholly or not at all.
            await using (var server = await ServerProcess.StartAsync(db, output))
            {
                await AssertIntactAsync(server.Client, committed);
                await AssertAbsentAsync(server.Client, "delta");
                await KillAfterImportAsync(server, "delta", large, V1.ImportMode.Create, storeTime * 0.5);
            }

            // 3. Killed while replacing a committed dataset's models: the old models or the new ones, never a mix.
            await using (var server = await ServerProcess.StartAsync(db, output))
            {
                await AssertIntactAsync(server.Client, committed);
                await AssertAbsentOrCompleteAsync(server.Client, "delta", large);
                await KillAfterImportAsync(server, "beta", large, V1.ImportMode.Replace, storeTime * 0.8);
            }

            // 4. Killed during a fit: the new fit is absent or complete; the dataset's other fit is untouched.
            await using (var server = await ServerProcess.StartAsync(db, output))
            {
                var beta = await SnapshotAsync(server.Client, "beta");
                if (beta.Dataset.Revision != committed["beta"].Dataset.Revision)
                {
                    output.WriteLine("the replace of beta committed before the kill");
                    Assert.Equal(committed["beta"].Dataset.Revision + 1, beta.Dataset.Revision);
                    Assert.Equal(large.Count, beta.Dataset.ModelCount);
                    Assert.Equal(large.Models.Select(m => m.ToProto()), beta.Models);
                    committed["beta"] = beta;
                }
                else
                {
                    output.WriteLine("the replace of beta was interrupted");
                }

                await AssertIntactAsync(server.Client, committed);
                using var call = server.Client.CreateFit(new V1.CreateFitRequest { Parent = "datasets/gamma", FitId = "interrupted", Spec = Spec }, deadline: DateTime.UtcNow + CallTimeout);
                // Killed once the engine is at work (the second progress event: imputing, decomposing, fitting).
                for (var i = 0; i < 2; i++)
                {
                    Assert.True(await call.ResponseStream.MoveNext());
                    Assert.Equal(V1.FitEvent.EventOneofCase.Progress, call.ResponseStream.Current.EventCase);
                }

                server.Kill();
            }

            // 5. After the last kill everything committed is still there, and a full restart cycle still works.
            await using (var server = await ServerProcess.StartAsync(db, output))
            {
                await AssertIntactAsync(server.Client, committed, allowFits: ["interrupted"]);
                await AssertAbsentOrCompleteAsync(server.Client, "delta", large);
                try
                {
                    var interrupted = await server.Client.GetFitAsync(new V1.GetFitRequest { Name = "datasets/gamma/fits/interrupted" }, deadline: DateTime.UtcNow + CallTimeout);
                    output.WriteLine("the interrupted fit had been stored before the kill");
                    Assert.NotNull(interrupted.Law);
                    Assert.Equal(committed["gamma"].Fits[0].TestMse, interrupted.TestMse);
                    Assert.Equal(committed["gamma"].Dataset.Etag, interrupted.DatasetEtag);
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
                {
                    output.WriteLine("the interrupted fit is absent");
                }

                // The store still takes writes after all the kills.
                var more = await ImportAsync(server.Client, "alpha", medium, V1.ImportMode.Append);
                var union = small.Models.Concat(medium.Models).Select(m => m.Name).Distinct(StringComparer.Ordinal).Count();
                Assert.Equal(union, more.Dataset.ModelCount);
                Assert.Equal(medium.Count, more.ModelsAdded + more.ModelsReplaced);
                Assert.Equal(committed["alpha"].Dataset.Revision + 1, more.Dataset.Revision);
            }

            output.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task KillAfterImportAsync(ServerProcess server, string dataset, ModelSet models, V1.ImportMode mode, TimeSpan delay)
    {
        using var import = server.Client.ImportModels(deadline: DateTime.UtcNow + CallTimeout);
        await WriteHeaderAsync(import, dataset, models, mode);
        foreach (var m in models.Models)
        {
            await import.RequestStream.WriteAsync(new V1.ImportModelsRequest { Model = m.ToProto() });
        }

        await import.RequestStream.CompleteAsync();
        var answer = import.ResponseAsync;
        var first = await Task.WhenAny(answer, Task.Delay(delay));
        output.WriteLine(first == answer ? $"import of {dataset} answered before the kill" : $"import of {dataset} unanswered at the kill");
        server.Kill();
    }

    private static async Task WriteHeaderAsync(AsyncClientStreamingCall<V1.ImportModelsRequest, V1.ImportModelsResponse> import, string dataset, ModelSet models, V1.ImportMode mode)
    {
        var header = new V1.ImportHeader { Dataset = dataset, Mode = mode };
        header.Metrics.AddRange(models.OrderedMetrics().Select(m => m.ToProto()));
        await import.RequestStream.WriteAsync(new V1.ImportModelsRequest { Header = header });
    }

    private static async Task<V1.ImportModelsResponse> ImportAsync(V1.ObsScaling.ObsScalingClient client, string dataset, ModelSet models, V1.ImportMode mode, Action? completed = null)
    {
        using var import = client.ImportModels(deadline: DateTime.UtcNow + CallTimeout);
        await WriteHeaderAsync(import, dataset, models, mode);
        foreach (var m in models.Models)
        {
            await import.RequestStream.WriteAsync(new V1.ImportModelsRequest { Model = m.ToProto() });
        }

        await import.RequestStream.CompleteAsync();
        completed?.Invoke();
        return await import;
    }

    private static async Task<V1.Fit> FitAsync(V1.ObsScaling.ObsScalingClient client, string dataset, string fitId)
    {
        using var call = client.CreateFit(new V1.CreateFitRequest { Parent = "datasets/" + dataset, FitId = fitId, Spec = Spec }, deadline: DateTime.UtcNow + CallTimeout);
        var events = await call.ResponseStream.ReadAllAsync().ToListAsync();
        return events.Single(e => e.EventCase == V1.FitEvent.EventOneofCase.Fit).Fit;
    }

    private sealed record Snapshot(V1.Dataset Dataset, List<V1.Model> Models, List<V1.Fit> Fits);

    private static async Task<Snapshot> SnapshotAsync(V1.ObsScaling.ObsScalingClient client, string dataset)
    {
        var deadline = DateTime.UtcNow + CallTimeout;
        var ds = await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/" + dataset }, deadline: deadline);
        var models = new List<V1.Model>();
        var token = "";
        do
        {
            var page = await client.ListModelsAsync(new V1.ListModelsRequest { Parent = ds.Name, PageSize = 1000, PageToken = token }, deadline: deadline);
            models.AddRange(page.Models);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        var fits = await client.ListFitsAsync(new V1.ListFitsRequest { Parent = ds.Name, PageSize = 1000 }, deadline: deadline);
        return new Snapshot(ds, models, [.. fits.Fits]);
    }

    private static async Task AssertIntactAsync(V1.ObsScaling.ObsScalingClient client, Dictionary<string, Snapshot> committed, string[]? allowFits = null)
    {
        foreach (var (id, before) in committed)
        {
            var now = await SnapshotAsync(client, id);
            Assert.Equal(before.Dataset, now.Dataset);
            Assert.Equal(before.Dataset.ModelCount, now.Models.Count);
            Assert.Equal(before.Models, now.Models);

            // The stored etag is the hash of the stored rows: header and rows were committed together.
            var rows = new ModelSet(now.Models.Select(m => m.ToDomain()), now.Dataset.Metrics.Select(m => m.ToDomain()));
            Assert.Equal(now.Dataset.Etag, DomainMapping.ContentHash(rows));
            Assert.Equal(before.Fits, now.Fits.Where(f => allowFits is null || !allowFits.Any(a => f.Name.EndsWith("/fits/" + a, StringComparison.Ordinal))));
        }
    }

    private static async Task AssertAbsentAsync(V1.ObsScaling.ObsScalingClient client, string dataset)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/" + dataset }, deadline: DateTime.UtcNow + CallTimeout).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        var list = await client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = 1000 }, deadline: DateTime.UtcNow + CallTimeout);
        Assert.DoesNotContain(list.Datasets, d => d.Name == "datasets/" + dataset);
    }

    private async Task AssertAbsentOrCompleteAsync(V1.ObsScaling.ObsScalingClient client, string dataset, ModelSet expected)
    {
        var count = expected.Count;
        var etag = DomainMapping.ContentHash(expected);
        V1.Dataset ds;
        try
        {
            ds = await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/" + dataset }, deadline: DateTime.UtcNow + CallTimeout);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            output.WriteLine($"{dataset}: absent after the restart");
            await AssertAbsentAsync(client, dataset);
            return;
        }

        output.WriteLine($"{dataset}: complete after the restart");
        var now = await SnapshotAsync(client, dataset);
        Assert.Equal(count, ds.ModelCount);
        Assert.Equal(count, now.Models.Count);
        Assert.Equal(etag, ds.Etag);
        var rows = new ModelSet(now.Models.Select(m => m.ToDomain()), now.Dataset.Metrics.Select(m => m.ToDomain()));
        Assert.Equal(etag, DomainMapping.ContentHash(rows));
        Assert.Equal(expected.Models.Select(m => m.ToProto()), now.Models);
    }
}
