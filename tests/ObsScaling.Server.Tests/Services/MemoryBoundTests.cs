using Grpc.Core;
using Microsoft.Extensions.Options;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Services;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Services;

/// <summary>The byte bounds of issue 15 item 5 that a caller can reach: import size and the decomposition cache.</summary>
public class MemoryBoundTests
{
    [Fact]
    public async Task An_import_past_MaxImportBytes_is_resource_exhausted_naming_the_setting_and_stores_nothing()
    {
        await using var server = await ServerHandle.InMemoryAsync("--ObsScaling:MaxImportBytes=20000");
        var client = server.Client;
        var zoo = Rpc.SmallZoo();
        var before = await Uploads.ImportAsync(client, "bounded", zoo);
        var first = await client.ListModelsAsync(new V1.ListModelsRequest { Parent = "bounded", PageSize = 1000 });

        // ~40 bytes per score: 600 models of 3 scores pass 20,000 bytes about halfway.
        var many = Enumerable.Range(0, 600).Select(i => Rpc.Model($"extra-{i:D4}", "family-01", ("bench-1", 0.5), ("bench-2", 0.4), ("bench-3", 0.3))).ToArray();
        var status = await Rpc.FailsAsync(StatusCode.ResourceExhausted, () => Rpc.ImportRawAsync(client, Rpc.Import("bounded", [], many)));
        Assert.Contains("ObsScaling:MaxImportBytes", status.Message, StringComparison.Ordinal);
        Assert.Contains("20000", status.Message, StringComparison.Ordinal);

        // Nothing of the refused import is stored, and what was stored before is intact.
        var after = await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "bounded" });
        Assert.Equal(before.Dataset.Etag, after.Etag);
        Assert.Equal(before.Dataset.Revision, after.Revision);
        var listed = await client.ListModelsAsync(new V1.ListModelsRequest { Parent = "bounded", PageSize = 1000 });
        Assert.Equal(first.Models, listed.Models);

        // Under the bound an append still goes through.
        var small = Rpc.Import("bounded", [], many.Take(50).ToArray());
        Assert.Equal(50, (await Rpc.ImportRawAsync(client, small)).ModelsAdded);
    }

    [Fact]
    public async Task The_decomposition_cache_stays_within_its_byte_bound_and_evicts_the_least_recently_used()
    {
        var one = Decomposition(metrics: 20, models: 100);
        var size = DecompositionCache.Estimate(one);
        var cache = new DecompositionCache(Options.Create(new ServerOptions { DecompositionCacheBytes = (size * 3) + (size / 2) }));
        var computed = 0;
        Task<V1.Decomposition> Compute()
        {
            computed++;
            return Task.FromResult(one.Clone());
        }

        for (var i = 0; i < 3; i++)
        {
            await cache.GetOrAddAsync($"d{i}", "etag", new V1.DecomposeRequest { Dataset = $"d{i}" }, Compute);
        }

        Assert.Equal(3, cache.Count);
        Assert.Equal(3 * size, cache.Bytes);

        // d0 used again, then a fourth: d1 (least recently used) goes, d0 stays.
        await cache.GetOrAddAsync("d0", "etag", new V1.DecomposeRequest { Dataset = "d0" }, Compute);
        Assert.Equal(3, computed);
        await cache.GetOrAddAsync("d3", "etag", new V1.DecomposeRequest { Dataset = "d3" }, Compute);
        Assert.Equal(3, cache.Count);
        Assert.True(cache.Bytes <= (size * 3) + (size / 2));
        await cache.GetOrAddAsync("d0", "etag", new V1.DecomposeRequest { Dataset = "d0" }, Compute);
        Assert.Equal(4, computed);
        await cache.GetOrAddAsync("d1", "etag", new V1.DecomposeRequest { Dataset = "d1" }, Compute);
        Assert.Equal(5, computed);

        // A result larger than the whole bound is answered but never kept.
        var huge = Decomposition(metrics: 20, models: 1000);
        Assert.True(DecompositionCache.Estimate(huge) > (size * 3) + (size / 2));
        var bytes = cache.Bytes;
        Assert.Same(huge, await cache.GetOrAddAsync("big", "etag", new V1.DecomposeRequest { Dataset = "big" }, () => Task.FromResult(huge)));
        Assert.Equal(bytes, cache.Bytes);

        // Forgetting a dataset gives its bytes back.
        cache.Forget("d1");
        Assert.Equal(bytes - size, cache.Bytes);
    }

    private static V1.Decomposition Decomposition(int metrics, int models)
    {
        var d = new V1.Decomposition { Components = 3, DatasetEtag = "etag" };
        d.Metrics.AddRange(Enumerable.Range(0, metrics).Select(j => $"metric-{j}"));
        d.Loadings.AddRange(Enumerable.Range(0, 3 * metrics).Select(k => k / 100.0));
        for (var i = 0; i < models; i++)
        {
            var m = new V1.ModelCapability { Model = $"model-{i}" };
            d.Models.Add(m);
        }

        return d;
    }
}
