using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Storage;

/// <summary>
/// How refits reach watchers beyond this process. On one embedded database there is one process, so nothing is
/// shared; on a database that replicas share, a refit pass of a dataset holds a lock every replica respects (one
/// replica refits a change) and each published refit is recorded for the other replicas' watchers.
/// </summary>
internal interface IRefitFeed
{
    /// <summary>Whether other processes share the database, and so the refits.</summary>
    bool Shared { get; }

    /// <summary>Waits for the dataset's refit lock across processes; dispose the result to release it.</summary>
    Task<IAsyncDisposable> HoldRefitLockAsync(string dataset, CancellationToken cancellationToken);

    /// <summary>Records a refit published here, for the watchers of the other processes.</summary>
    void Record(string dataset, V1.WatchFitsResponse message);

    /// <summary>Hands every refit recorded by another process to <paramref name="deliver"/>, in order, until cancelled.</summary>
    Task ListenAsync(Action<string, V1.WatchFitsResponse> deliver, CancellationToken cancellationToken);
}
