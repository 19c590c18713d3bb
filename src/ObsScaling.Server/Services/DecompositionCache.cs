using System.Collections.Concurrent;
using Google.Protobuf;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Services;

/// <summary>
/// Decompositions already computed, by dataset content (etag) and request: a decomposition is a pure function of
/// the two, and clients (pipelines, dashboards) ask the same one again and again. Under load a repeated Decompose
/// cost ~5 ms of CPU (imputation to its fixed point, PCA, family fits); a hit costs a lookup. Bounded: past
/// <see cref="Capacity"/> entries the cache starts over.
/// </summary>
internal sealed class DecompositionCache
{
    public const int Capacity = 256;

    private readonly ConcurrentDictionary<(string Dataset, string Etag, ByteString Request), V1.Decomposition> _entries = new();

    /// <summary>As <see cref="GetOrAdd"/>, for a computation that waits for a compute slot: a hit never waits.</summary>
    public async Task<V1.Decomposition> GetOrAddAsync(string dataset, string etag, V1.DecomposeRequest request, Func<Task<V1.Decomposition>> compute)
    {
        var key = (dataset, etag, request.ToByteString());
        if (_entries.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var result = await compute().ConfigureAwait(false);
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[key] = result;
        return result;
    }

    public V1.Decomposition GetOrAdd(string dataset, string etag, V1.DecomposeRequest request, Func<V1.Decomposition> compute)
    {
        var key = (dataset, etag, request.ToByteString());
        if (_entries.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var result = compute();
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[key] = result;
        return result;
    }
}
