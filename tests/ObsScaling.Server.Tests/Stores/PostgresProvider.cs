using ObsScaling.Server.Storage;
using ObsScaling.Server.Tests.Support;

namespace ObsScaling.Server.Tests.Stores;

/// <summary>
/// The shared provider on a throwaway cluster (one per test class: start-up takes about a second), with a second
/// replica on the same database: its own data source, pool and caches, as another server process would have.
/// </summary>
public sealed class PostgresProvider : StoreProvider
{
    private readonly PostgresCluster? _cluster;
    private readonly PostgresDatabase? _first;
    private readonly PostgresDatabase? _second;

    public PostgresProvider()
    {
        if (PostgresCluster.Missing is not null)
        {
            return;
        }

        _cluster = new PostgresCluster();
        _first = new PostgresDatabase(_cluster.ConnectionString);
        _second = new PostgresDatabase(_cluster.ConnectionString);
        Datasets = new PostgresStore(_first);
        Ledger = new PostgresLedgerStore(_first);
        Replica = (new PostgresStore(_second), new PostgresLedgerStore(_second));
    }

    public override string? Missing => PostgresCluster.Missing;

    public PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException(Missing);

    internal override IDatasetStore Datasets { get; } = null!;

    internal override ILedgerStore Ledger { get; } = null!;

    internal override (IDatasetStore Datasets, ILedgerStore Ledger)? Replica { get; }

    protected override void Dispose(bool disposing)
    {
        _first?.Dispose();
        _second?.Dispose();
        _cluster?.Dispose();
    }
}
