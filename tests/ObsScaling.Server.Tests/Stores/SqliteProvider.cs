using ObsScaling.Server.Storage;

namespace ObsScaling.Server.Tests.Stores;

/// <summary>The embedded provider: one SQLite file in a temporary folder, one process per file (so no replica).</summary>
public sealed class SqliteProvider : StoreProvider
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-contract-").FullName;
    private readonly SqliteStore _store;

    public SqliteProvider()
    {
        _store = new SqliteStore(Path.Combine(_dir, "obs.db"));
        Ledger = new LedgerStore(_store);
    }

    internal override IDatasetStore Datasets => _store;

    internal override ILedgerStore Ledger { get; }

    internal override (IDatasetStore Datasets, ILedgerStore Ledger)? Replica => null;

    protected override void Dispose(bool disposing)
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
