using System.Collections.Concurrent;

namespace ObsScaling.Server.Storage;

/// <summary>
/// One writer at a time per database file inside this process. SQLite allows one writer anyway; queueing here
/// instead of in SQLite matters because Microsoft.Data.Sqlite answers a busy database by sleeping and retrying,
/// which turned concurrent fits into 150–450 ms tails under load. The SQLite lock still guards other processes.
/// </summary>
internal static class WriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>Waits for the file's gate; dispose the result to let the next writer in.</summary>
    public static Held Enter(string path)
    {
        var gate = Gates.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        gate.Wait();
        return new Held(gate);
    }

    public readonly struct Held(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
