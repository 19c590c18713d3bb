namespace ObsScaling.Server.Tests.Stores;

/// <summary>The contract on the embedded SQLite provider.</summary>
public sealed class SqliteStoreContractTests(SqliteProvider provider) : StoreContractTests(provider), IClassFixture<SqliteProvider>;
