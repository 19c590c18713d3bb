using Npgsql;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Storage;
using ObsScaling.Server.Tests.Faults;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;

namespace ObsScaling.Server.Tests.Stores;

/// <summary>
/// Start-up on PostgreSQL: replicas starting at once on an empty database migrate it once (the advisory lock queues
/// them); a database at a newer schema than the build knows is refused naming both versions, in process and by
/// the server process; a missing connection string or an unreachable database is refused with the reason.
/// </summary>
public sealed class PostgresSchemaTests(PostgresProvider provider, ITestOutputHelper output) : IClassFixture<PostgresProvider>
{
    [SkippableFact]
    public void Replicas_starting_at_once_on_an_empty_database_migrate_it_once()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var cs = NewDatabase();
        var databases = Enumerable.Range(0, 6).AsParallel().WithDegreeOfParallelism(6).Select(_ => new PostgresDatabase(cs)).ToList();
        try
        {
            Assert.All(databases, d => Assert.Equal(PostgresSchema.Latest, d.SchemaVersion));
            using var c = new NpgsqlConnection(cs);
            c.Open();
            using var cmd = new NpgsqlCommand("SELECT string_agg(version::text, ',' ORDER BY version) FROM obsscaling_schema", c);
            Assert.Equal(string.Join(',', Enumerable.Range(1, PostgresSchema.Latest)), cmd.ExecuteScalar());
        }
        finally
        {
            databases.ForEach(d => d.Dispose());
        }
    }

    [SkippableFact]
    public async Task A_database_at_a_newer_schema_is_refused_naming_both_versions()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var cs = NewDatabase();
        new PostgresDatabase(cs).Dispose();
        var newer = PostgresSchema.Latest + 1;
        using (var c = new NpgsqlConnection(cs))
        {
            c.Open();
            using var cmd = new NpgsqlCommand($"INSERT INTO obsscaling_schema(version) VALUES ({newer})", c);
            cmd.ExecuteNonQuery();
        }

        var ex = Assert.Throws<InvalidOperationException>(() => new PostgresDatabase(cs));
        Assert.StartsWith("Refusing to start", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"schema version {newer}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"(version {PostgresSchema.Latest})", ex.Message, StringComparison.Ordinal);

        var dir = Directory.CreateTempSubdirectory("obs-pg-schema-").FullName;
        try
        {
            var process = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(Path.Combine(dir, "obs.db"), output, arguments: ["--ObsScaling:Storage=postgres", $"--ObsScaling:ConnectionString={cs}"]));
            output.WriteLine(process.Message);
            Assert.Contains($"is at schema version {newer}, newer than this build knows (version {PostgresSchema.Latest})", process.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", process.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_is_refused_at_start()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ObsScalingServer.Build(["--urls=http://127.0.0.1:0", "--ObsScaling:Storage=postgres"]));
        Assert.StartsWith("Refusing to start: ObsScaling:Storage is 'postgres' but ObsScaling:ConnectionString is not set", ex.Message, StringComparison.Ordinal);
        var (code, stderr) = await BindUrlFaultTests.RunServerAsync("--ObsScaling:Storage=postgres");
        Assert.Equal(2, code);
        Assert.Contains("ObsScaling:ConnectionString is not set", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_database_is_refused_at_start_naming_it()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        var ex = Assert.Throws<InvalidOperationException>(() => ObsScalingServer.Build(["--urls=http://127.0.0.1:0", "--ObsScaling:Storage=postgres", $"--ObsScaling:ConnectionString=Host=127.0.0.1;Port={port};Username=obs;Database=obs;Timeout=2"]));
        Assert.StartsWith($"Refusing to start: the PostgreSQL database 127.0.0.1:{port}/obs cannot be reached", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A new, empty database in the class's cluster.</summary>
    private string NewDatabase()
    {
        var name = "schema_" + Guid.NewGuid().ToString("N")[..10];
        using (var c = new NpgsqlConnection(provider.Cluster.ConnectionString))
        {
            c.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            cmd.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(provider.Cluster.ConnectionString) { Database = name }.ToString();
    }
}
