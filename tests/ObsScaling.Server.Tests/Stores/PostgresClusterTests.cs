using Npgsql;
using ObsScaling.Server.Tests.Support;

namespace ObsScaling.Server.Tests.Stores;

/// <summary>The throwaway cluster the PostgreSQL storage tests run on: it answers on loopback and is gone after dispose.</summary>
public class PostgresClusterTests
{
    [SkippableFact]
    public async Task A_cluster_answers_on_loopback_and_stops_on_dispose()
    {
        Skip.If(PostgresCluster.Missing is not null, PostgresCluster.Missing);
        string cs;
        using (var cluster = new PostgresCluster())
        {
            cs = cluster.ConnectionString;
            await using var c = new NpgsqlConnection(cs);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT current_setting('server_version_num')::int", c);
            Assert.InRange((int)(await cmd.ExecuteScalarAsync())!, 150000, 159999);
        }

        NpgsqlConnection.ClearAllPools();
        await using var after = new NpgsqlConnection(cs + ";Timeout=3");
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => after.OpenAsync());
    }
}
