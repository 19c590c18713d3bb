using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Storage;

/// <summary>The embedded store's feed: one process per database file, so the in-process watch hub is the whole story.</summary>
internal sealed class LocalRefitFeed : IRefitFeed
{
    public bool Shared => false;

    public Task<IAsyncDisposable> HoldRefitLockAsync(string dataset, CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(Released.Instance);

    public void Record(string dataset, IReadOnlyList<V1.WatchFitsResponse> pass)
    {
    }

    public async Task ListenAsync(Action<string, IReadOnlyList<V1.WatchFitsResponse>> deliver, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: there was never anything to hear.
        }
    }

    private sealed class Released : IAsyncDisposable
    {
        public static readonly Released Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
