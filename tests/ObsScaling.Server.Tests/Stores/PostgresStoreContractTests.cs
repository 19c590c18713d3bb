namespace ObsScaling.Server.Tests.Stores;

/// <summary>The contract on PostgreSQL (a throwaway cluster per class), with a second replica on the same database.</summary>
public sealed class PostgresStoreContractTests(PostgresProvider provider) : StoreContractTests(provider), IClassFixture<PostgresProvider>;
