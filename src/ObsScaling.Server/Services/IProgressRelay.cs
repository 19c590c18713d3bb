namespace ObsScaling.Server.Services;

/// <summary>Progress reported on worker threads, taken by the streaming loop that sends it.</summary>
internal interface IProgressRelay<T> : IProgress<T>
{
    /// <summary>Completes when there is a report that <see cref="TryTake"/> has not returned yet.</summary>
    Task Changed { get; }

    bool TryTake(out T value);
}
