using Google.Protobuf;
using Microsoft.Extensions.Options;
using ObsScaling.Server.Hosting;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Services;

/// <summary>
/// Decompositions already computed, by dataset content (etag) and request: a decomposition is a pure function of
/// the two, and clients (pipelines, dashboards) ask the same one again and again. Under load a repeated Decompose
/// cost ~5 ms of CPU (imputation to its fixed point, PCA, family fits); a hit costs a lookup. Bounded in bytes
/// (<see cref="ServerOptions.DecompositionCacheBytes"/>), least recently used out first: one entry of a
/// 100,000-model dataset is ~20 MB, so a count bound of 256 entries allowed ~5 GB.
/// </summary>
internal sealed class DecompositionCache(IOptions<ServerOptions> options)
{
    // The serialised size undercounts the objects (repeated doubles are arrays, but each model, name and map
    // costs object headers and UTF-16 strings): an estimate, deliberately on the high side, not a measurement.
    internal const double HeapPerWireByte = 2.5;

    private readonly long _capacity = Math.Max(0, options.Value.DecompositionCacheBytes);
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Dataset, string Etag, ByteString Request), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private long _bytes;

    /// <summary>The estimated bytes held now.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public static long Estimate(V1.Decomposition decomposition) => (long)(decomposition.CalculateSize() * HeapPerWireByte) + 256;

    /// <summary>The cached decomposition, or the one <paramref name="compute"/> gives (which may wait for a compute slot: a hit never waits).</summary>
    public async Task<V1.Decomposition> GetOrAddAsync(string dataset, string etag, V1.DecomposeRequest request, Func<Task<V1.Decomposition>> compute)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(compute);
        var requestBytes = request.ToByteString();
        return TryGet((dataset, etag, requestBytes)) ?? Add(dataset, etag, requestBytes, await compute().ConfigureAwait(false));
    }

    private V1.Decomposition? TryGet((string Dataset, string Etag, ByteString Request) key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var hit))
            {
                return null;
            }

            _recency.Remove(hit);
            _recency.AddFirst(hit);
            return hit.Value.Decomposition;
        }
    }

    private V1.Decomposition Add(string dataset, string etag, ByteString requestBytes, V1.Decomposition result)
    {
        // Keyed by the content the result was computed from: the dataset may have changed between the caller's
        // read of its etag and the load, and a result filed under the older etag would be served for it later.
        var key = (dataset, string.IsNullOrEmpty(result.DatasetEtag) ? etag : result.DatasetEtag, requestBytes);
        var size = Estimate(result);
        if (size > _capacity)
        {
            return result;
        }

        lock (_lock)
        {
            if (_entries.Remove(key, out var old))
            {
                _recency.Remove(old);
                _bytes -= old.Value.Bytes;
            }

            while (_bytes + size > _capacity && _recency.Last is { } last)
            {
                _recency.RemoveLast();
                _entries.Remove(last.Value.Key);
                _bytes -= last.Value.Bytes;
            }

            _entries[key] = _recency.AddFirst(new Entry(key, result, size));
            _bytes += size;
        }

        return result;
    }

    /// <summary>Drops a deleted dataset's entries, so its memory goes with it.</summary>
    public void Forget(string dataset)
    {
        lock (_lock)
        {
            for (var node = _recency.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Key.Dataset == dataset)
                {
                    _recency.Remove(node);
                    _entries.Remove(node.Value.Key);
                    _bytes -= node.Value.Bytes;
                }

                node = next;
            }
        }
    }

    private sealed record Entry((string Dataset, string Etag, ByteString Request) Key, V1.Decomposition Decomposition, long Bytes);
}
