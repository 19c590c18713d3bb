using System.Data;
using Npgsql;
using ObsScaling.Server.Errors;

namespace ObsScaling.Server.Storage;

/// <summary>
/// One PostgreSQL database shared by every replica: a pooled <see cref="NpgsqlDataSource"/>, the schema migrated at
/// start (<see cref="PostgresSchema"/>), and the one way both stores run a transaction. A transaction that fails
/// with a serialization failure or deadlock, or loses its connection before its COMMIT was sent, is rolled back by
/// the server and so is run again (a few times, backing off); what still fails transiently, or fails during COMMIT
/// (the outcome is unknown, so it is not repeated), is <see cref="StoreUnavailableException"/>: UNAVAILABLE.
/// </summary>
internal sealed class PostgresDatabase : IDisposable
{
    private const int Attempts = 4;

    public PostgresDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Refusing to start: ObsScaling:ConnectionString is not a valid Npgsql connection string ({ex.Message}).", ex);
        }

        // Shown in pg_stat_activity, so an operator can tell the replicas' connections from anyone else's.
        if (string.IsNullOrEmpty(parsed.ApplicationName))
        {
            parsed.ApplicationName = "obsscaling";
        }

        Target = $"{parsed.Host}:{parsed.Port}/{parsed.Database ?? parsed.Username}";
        DataSource = NpgsqlDataSource.Create(parsed);
        try
        {
            SchemaVersion = PostgresSchema.Migrate(this);
        }
        catch (StoreUnavailableException ex)
        {
            DataSource.Dispose();
            throw new InvalidOperationException($"Refusing to start: the PostgreSQL database {Target} cannot be reached ({ex.InnerException?.Message}).", ex);
        }
        catch
        {
            DataSource.Dispose();
            throw;
        }
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Host, port and database, for messages (never the password).</summary>
    public string Target { get; }

    /// <summary>The schema version the database is at after start-up's migrations.</summary>
    public int SchemaVersion { get; }

    public void Dispose() => DataSource.Dispose();

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it, retrying what the server rolled back
    /// (<see cref="IsolationLevel.Unspecified"/>: no transaction, for <see cref="Query{T}"/>).
    /// </summary>
    public T Transaction<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> work, IsolationLevel isolation = IsolationLevel.ReadCommitted)
    {
        for (var attempt = 1; ; attempt++)
        {
            var committing = false;
            try
            {
                using var c = DataSource.OpenConnection();
                if (isolation == IsolationLevel.Unspecified)
                {
                    return work(c, null!);
                }

                using var tx = c.BeginTransaction(isolation);
                var result = work(c, tx);
                committing = true;
                tx.Commit();
                return result;
            }
            catch (Exception ex) when (Transient(ex))
            {
                // Connections opened before the database restarted are dead; drop them all rather than failing
                // one call per pooled connection.
                if (ex is not PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected })
                {
                    DataSource.Clear();
                }

                if (committing || attempt == Attempts)
                {
                    throw new StoreUnavailableException(
                        committing
                            ? $"The database connection failed while committing; the change may or may not be stored ({Describe(ex)}). Read it back before retrying."
                            : $"The database is unavailable ({Describe(ex)}); retry later.",
                        ex);
                }

                Thread.Sleep(50 * attempt * attempt);
            }
        }
    }

    /// <summary>A read in one transaction (a consistent snapshot when <paramref name="isolation"/> is REPEATABLE READ).</summary>
    public T Read<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> work, IsolationLevel isolation = IsolationLevel.ReadCommitted) => Transaction(work, isolation);

    /// <summary>
    /// A read of one statement, outside an explicit transaction (it is its own snapshot; no BEGIN and COMMIT round
    /// trips). A read changes nothing, so any transient failure is retried like one before COMMIT.
    /// </summary>
    public T Query<T>(Func<NpgsqlConnection, T> work) => Transaction((c, _) => work(c), IsolationLevel.Unspecified);

    /// <summary>Serializes writers of one key (a dataset, a ledger) across every replica until the transaction ends.</summary>
    public static void LockKey(NpgsqlConnection c, NpgsqlTransaction tx, int space, string key)
    {
        using var cmd = Command(c, tx, "SELECT pg_advisory_xact_lock(@space, hashtext(@key))", ("space", space), ("key", key));
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// <see cref="LockKey"/>, then <paramref name="sql"/>'s single value read under the lock, in one round trip
    /// (the statements run in order: the read waits for the lock).
    /// </summary>
    public static object? LockThenScalar(NpgsqlConnection c, NpgsqlTransaction tx, int space, string key, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, tx, "SELECT pg_advisory_xact_lock(@space, hashtext(@key)); " + sql, [("space", space), ("key", key), .. args]);
        using var r = cmd.ExecuteReader();
        r.NextResult();
        return r.Read() && !r.IsDBNull(0) ? r.GetValue(0) : null;
    }

    public static NpgsqlCommand Command(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        var cmd = new NpgsqlCommand(sql, c, tx);
        foreach (var (name, value) in args)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return cmd;
    }

    public static void Execute(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        cmd.ExecuteNonQuery();
    }

    public static object? Scalar(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    /// <summary>
    /// Whether the failure is the database's state rather than the call's: connection refused, dropped or timed
    /// out, the server shutting down or out of resources, a serialization failure or deadlock.
    /// </summary>
    public static bool Transient(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npg => npg.IsTransient || npg.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException,
        _ => false,
    };

    private static string Describe(Exception ex) => ex is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : ex.InnerException?.Message ?? ex.Message;
}
