using ObsScaling.Server.Storage;

namespace ObsScaling.Server.Tests.Stores;

/// <summary>
/// One storage provider under the contract suite: its dataset and ledger stores, and — where the provider allows
/// several processes on one database — a second, independent replica of them (its own pool and caches).
/// </summary>
public abstract class StoreProvider : IDisposable
{
    /// <summary>Why the provider cannot run here (tests skip), or null.</summary>
    public virtual string? Missing => null;

    internal abstract IDatasetStore Datasets { get; }

    internal abstract ILedgerStore Ledger { get; }

    /// <summary>A second replica on the same database, or null when the provider allows one process per database.</summary>
    internal abstract (IDatasetStore Datasets, ILedgerStore Ledger)? Replica { get; }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
