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

    /// <summary>
    /// Records what one refit pass published here (every fit's outcome at one revision, kept together so that the
    /// other replicas' feeds publish it as one change, as this one did), for the watchers of the other processes.
    /// </summary>
    void Record(string dataset, IReadOnlyList<V1.WatchFitsResponse> pass);

    /// <summary>Hands every pass recorded by another process to <paramref name="deliver"/>, in order, until cancelled.</summary>
    Task ListenAsync(Action<string, IReadOnlyList<V1.WatchFitsResponse>> deliver, CancellationToken cancellationToken);
}
