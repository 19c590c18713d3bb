using Google.Protobuf;
using Npgsql;
using static ObsScaling.Server.Storage.PostgresDatabase;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Storage;

/// <summary>
/// Refits across replicas on PostgreSQL. A published refit is a row of <c>refit_events</c> (inserted with a NOTIFY
/// on <see cref="Channel"/> in the same transaction, so the signal goes out only if the row committed); every
/// replica LISTENs, and on each signal — and after every reconnection — reads the rows after the last one it saw,
/// so a dropped connection or a missed signal loses nothing. A refit pass holds a session advisory lock on the
/// dataset, so replicas refit one change once (the second finds the fits at the current revision).
/// </summary>
internal sealed partial class PostgresRefitFeed(PostgresDatabase database, ILogger<PostgresRefitFeed> logger) : IRefitFeed
{
    public const string Channel = "obsscaling_refits";

    /// <summary>Advisory lock space of refit passes (session-level, so apart from the transaction-level write locks).</summary>
    public const int LockSpace = 0x0B5F;

    /// <summary>This process's mark on its rows: its own refits were delivered here already.</summary>
    private readonly Guid _origin = Guid.NewGuid();

    public bool Shared => true;

    public async Task<IAsyncDisposable> HoldRefitLockAsync(string dataset, CancellationToken cancellationToken)
    {
        var c = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var cmd = Command(c, null, "SELECT pg_advisory_lock(@space, hashtext(@key))", ("space", LockSpace), ("key", dataset));
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new Held(c, dataset);
        }
        catch
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public void Record(string dataset, IReadOnlyList<V1.WatchFitsResponse> pass) => database.Transaction((c, tx) =>
    {
        var id = Convert.ToInt64(Scalar(c, tx, "INSERT INTO refit_events(dataset_id, revision, origin, body) VALUES (@d, @r, @o, @b) RETURNING id",
            ("d", dataset), ("r", pass.Count == 0 ? 0 : pass[0].DatasetRevision), ("o", _origin), ("b", Encode(pass))), System.Globalization.CultureInfo.InvariantCulture);
        Execute(c, tx, $"SELECT pg_notify('{Channel}', @id)", ("id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // Watchers that were away longer than a day re-read the fits (WatchFits send_initial); older rows go.
        if (id % 1000 == 0)
        {
            Execute(c, tx, "DELETE FROM refit_events WHERE create_time < now() - interval '1 day'");
        }

        return id;
    });

    public async Task ListenAsync(Action<string, IReadOnlyList<V1.WatchFitsResponse>> deliver, CancellationToken cancellationToken)
    {
        long? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var c = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", c))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Listening first, then reading: a row committed in between is read now or signalled later.
                if (last is null)
                {
                    await using var max = new NpgsqlCommand("SELECT COALESCE(MAX(id), 0) FROM refit_events", c);
                    last = Convert.ToInt64(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                }

                while (true)
                {
                    last = await CatchUpAsync(c, last.Value, deliver, cancellationToken).ConfigureAwait(false);
                    await c.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or InvalidOperationException)
            {
                LogListenLost(logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Delivers the rows after <paramref name="after"/> that other processes recorded; returns the last row's id.</summary>
    private async Task<long> CatchUpAsync(NpgsqlConnection c, long after, Action<string, IReadOnlyList<V1.WatchFitsResponse>> deliver, CancellationToken cancellationToken)
    {
        await using var cmd = Command(c, null, "SELECT id, dataset_id, origin, body FROM refit_events WHERE id > @after ORDER BY id", ("after", after));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            after = r.GetInt64(0);
            if (r.GetGuid(2) != _origin)
            {
                deliver(r.GetString(1), Decode(r.GetFieldValue<byte[]>(3)));
            }
        }

        return after;
    }

    /// <summary>A pass as one row: its messages length-delimited one after another.</summary>
    private static byte[] Encode(IReadOnlyList<V1.WatchFitsResponse> pass)
    {
        using var stream = new MemoryStream();
        foreach (var message in pass)
        {
            message.WriteDelimitedTo(stream);
        }

        return stream.ToArray();
    }

    private static List<V1.WatchFitsResponse> Decode(byte[] body)
    {
        var pass = new List<V1.WatchFitsResponse>();
        using var stream = new MemoryStream(body);
        while (stream.Position < stream.Length)
        {
            pass.Add(V1.WatchFitsResponse.Parser.ParseDelimitedFrom(stream));
        }

        return pass;
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "listening for other replicas' refits failed; reconnecting in 1 s (missed refits are read back)")]
    private static partial void LogListenLost(ILogger logger, Exception ex);

    /// <summary>The held lock: released (and the connection returned) on dispose; a lost connection releases it too.</summary>
    private sealed class Held(NpgsqlConnection c, string dataset) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var cmd = Command(c, null, "SELECT pg_advisory_unlock(@space, hashtext(@key))", ("space", LockSpace), ("key", dataset));
                await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // The connection is gone, and the server dropped its locks with it.
            }
            finally
            {
                await c.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
