using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Ledger;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// The ledger's file edited by hand (Microsoft.Data.Sqlite on the server's own file while it serves), beyond the
/// primary key: REPLACE through the (ledger, seq) key and the rowid, UPSERT, UPDATE (OR REPLACE), DELETE, scores
/// replaced, changed, deleted or forged for entries that do not exist — with foreign keys on and off and
/// recursive_triggers on and off. Every statement is refused, and every entry keeps its bytes and its score.
/// A file made before the triggers were tightened is migrated at start.
/// </summary>
public class LedgerTamperFaultTests(ITestOutputHelper output)
{
    private static string Forged(int seq) => $"'ledger-t', 'forged', {seq}, '2020-01-01T00:00:00Z', 'f', 'm', 't', 'h', 0.5, X'00'";

    private static readonly (string What, string Sql)[] Tampering =
    [
        ("INSERT OR REPLACE with a new id and a recorded seq", "INSERT OR REPLACE INTO preregistrations(ledger_id, id, seq, create_time, fit, model, target, data_hash, predicted_raw, body) VALUES (" + Forged(1) + ")"),
        ("REPLACE with a recorded id", "REPLACE INTO preregistrations(ledger_id, id, seq, create_time, fit, model, target, data_hash, predicted_raw, body) SELECT ledger_id, id, 999, create_time, fit, model, target, data_hash, 0.5, X'00' FROM preregistrations WHERE seq = 2"),
        ("INSERT OR REPLACE through the rowid", "INSERT OR REPLACE INTO preregistrations(rowid, ledger_id, id, seq, create_time, fit, model, target, data_hash, predicted_raw, body) SELECT rowid, 'ledger-t', 'forged2', 998, create_time, fit, model, target, data_hash, 0.5, X'00' FROM preregistrations WHERE seq = 3"),
        ("UPSERT on the id", "INSERT INTO preregistrations(ledger_id, id, seq, create_time, fit, model, target, data_hash, predicted_raw, body) SELECT ledger_id, id, 997, create_time, fit, model, target, data_hash, 0.5, X'00' FROM preregistrations WHERE seq = 1 ON CONFLICT(ledger_id, id) DO UPDATE SET body = X'00', predicted_raw = 0.5"),
        ("UPSERT on the seq", "INSERT INTO preregistrations(ledger_id, id, seq, create_time, fit, model, target, data_hash, predicted_raw, body) VALUES (" + Forged(2) + ") ON CONFLICT(ledger_id, seq) DO UPDATE SET body = X'00'"),
        ("INSERT OR IGNORE through the seq", "INSERT OR IGNORE INTO preregistrations(ledger_id, id, seq, create_time, fit, model, target, data_hash, predicted_raw, body) VALUES (" + Forged(3) + ")"),
        ("UPDATE of a prediction", "UPDATE preregistrations SET predicted_raw = 0.5, body = X'00' WHERE seq = 1"),
        ("UPDATE OR REPLACE of a seq onto another", "UPDATE OR REPLACE preregistrations SET seq = 1 WHERE seq = 2"),
        ("DELETE of an entry", "DELETE FROM preregistrations WHERE seq = 4"),
        ("DELETE of the ledger", "DELETE FROM preregistrations"),
        ("INSERT OR REPLACE of a score", "INSERT OR REPLACE INTO preregistration_scores(ledger_id, entry_id, score_time, observed_raw, body) SELECT ledger_id, entry_id, score_time, 0.123, X'00' FROM preregistration_scores LIMIT 1"),
        ("INSERT OR REPLACE of a score through the rowid", "INSERT OR REPLACE INTO preregistration_scores(rowid, ledger_id, entry_id, score_time, observed_raw, body) SELECT s.rowid, p.ledger_id, p.id, s.score_time, 0.123, X'00' FROM preregistration_scores s, preregistrations p WHERE p.seq = 5 LIMIT 1"),
        ("UPSERT of a score", "INSERT INTO preregistration_scores(ledger_id, entry_id, score_time, observed_raw, body) SELECT ledger_id, entry_id, score_time, 0.123, X'00' FROM preregistration_scores LIMIT 1 ON CONFLICT(ledger_id, entry_id) DO UPDATE SET observed_raw = 0.123"),
        ("UPDATE of a score", "UPDATE preregistration_scores SET observed_raw = 0.123, body = X'00'"),
        ("DELETE of a score (to score again)", "DELETE FROM preregistration_scores"),
        ("a score for an entry that does not exist", "INSERT INTO preregistration_scores(ledger_id, entry_id, score_time, observed_raw, body) VALUES ('ledger-t', 'no-such-entry', '2020-01-01T00:00:00Z', 0.5, X'00')"),
    ];

    [Fact]
    public async Task Hand_written_SQL_cannot_replace_update_delete_or_forge_entries_or_scores()
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "obs-tamper-" + Guid.NewGuid().ToString("N")[..10])).FullName;
        var db = Path.Combine(dir, "obs.db");
        try
        {
            var setup = new LedgerSetup();
            await using var server = await Start(db);
            var entries = await RecordAndScoreAsync(server.Client, setup);
            var before = Snapshot(db);
            var refused = 0;
            foreach (var foreignKeys in new[] { true, false })
            {
                foreach (var recursive in new[] { false, true })
                {
                    foreach (var (what, sql) in Tampering)
                    {
                        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false, ForeignKeys = foreignKeys }.ToString());
                        c.Open();
                        Exec(c, $"PRAGMA recursive_triggers = {(recursive ? "ON" : "OFF")}");
                        var ex = Assert.Throws<SqliteException>(() => Exec(c, sql));
                        Assert.True(ex.SqliteErrorCode == 19, $"'{what}' failed for another reason than a constraint: {ex.Message}"); // SQLITE_CONSTRAINT: a trigger's RAISE(ABORT)
                        refused++;
                        Assert.True(before.SequenceEqual(Snapshot(db)), $"'{what}' (foreign_keys {foreignKeys}, recursive_triggers {recursive}) changed the ledger: {ex.Message}");
                    }
                }
            }

            // Through the API too: every entry reads back byte for byte, with its score.
            foreach (var e in entries)
            {
                Assert.Equal(e, await server.Client.GetPreregistrationAsync(new V1.GetPreregistrationRequest { Name = e.Name }));
            }

            output.WriteLine($"{refused} hand-written statements refused ({Tampering.Length} kinds × foreign_keys on/off × recursive_triggers on/off); {entries.Count} entries, {entries.Count(e => e.Score is not null)} scored, unchanged");
        }
        finally
        {
            Cleanup(dir);
        }
    }

    [Fact]
    public async Task A_file_with_the_old_trigger_is_migrated_at_start_and_then_refuses_replace_through_the_seq()
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "obs-tamper-" + Guid.NewGuid().ToString("N")[..10])).FullName;
        var db = Path.Combine(dir, "obs.db");
        try
        {
            var setup = new LedgerSetup();
            List<V1.Preregistration> entries;
            await using (var server = await Start(db))
            {
                entries = await RecordAndScoreAsync(server.Client, setup);
            }

            // The trigger as shipped before: it checked the id only, so this REPLACE deleted a recorded entry.
            using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString()))
            {
                c.Open();
                Exec(c, """
                    DROP TRIGGER preregistrations_no_replace;
                    CREATE TRIGGER preregistrations_no_replace BEFORE INSERT ON preregistrations
                        WHEN EXISTS (SELECT 1 FROM preregistrations WHERE ledger_id = NEW.ledger_id AND id = NEW.id)
                        BEGIN SELECT RAISE(ABORT, 'preregistrations are immutable: an entry cannot be replaced'); END;
                    """);
            }

            var before = Snapshot(db);
            await using (var server = await Start(db))
            {
                using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false, ForeignKeys = false }.ToString());
                c.Open();
                Assert.Throws<SqliteException>(() => Exec(c, Tampering[0].Sql));
                Assert.True(before.SequenceEqual(Snapshot(db)));
                foreach (var e in entries)
                {
                    Assert.Equal(e, await server.Client.GetPreregistrationAsync(new V1.GetPreregistrationRequest { Name = e.Name }));
                }
            }
        }
        finally
        {
            Cleanup(dir);
        }
    }

    private static async Task<List<V1.Preregistration>> RecordAndScoreAsync(V1.ObsScaling.ObsScalingClient client, LedgerSetup setup)
    {
        await setup.PrepareAsync(client);
        await client.CreatePreregistrationsAsync(LedgerSetup.FromUpcoming("ledger-t", setup.UpcomingModels.Select(m => m.Name)));
        var scored = await client.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest
        {
            Parent = "ledgers/ledger-t",
            Observed = { setup.UpcomingModels.Take(2).Select(m => new V1.ObservedValue { Model = m.Name, Value = m.Score("downstream") }) },
        });
        Assert.Equal(2, scored.Scored.Count);
        var all = await client.ListPreregistrationsAsync(new V1.ListPreregistrationsRequest { Parent = "ledgers/ledger-t" });
        Assert.Equal(5, all.Entries.Count);
        return [.. all.Entries];
    }

    /// <summary>Every row of both ledger tables, rowid and all columns, as text.</summary>
    private static List<string> Snapshot(string db)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        c.Open();
        var rows = new List<string>();
        foreach (var sql in new[]
        {
            "SELECT rowid, ledger_id, id, seq, create_time, fit, model, target, data_hash, predicted_raw, hex(body) FROM preregistrations ORDER BY rowid",
            "SELECT rowid, ledger_id, entry_id, score_time, observed_raw, hex(body) FROM preregistration_scores ORDER BY rowid",
        })
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                rows.Add(string.Join('|', Enumerable.Range(0, r.FieldCount).Select(i => Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            }
        }

        Assert.Equal(7, rows.Count);
        return rows;
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static async Task<Running> Start(string db)
    {
        var app = ObsScalingServer.Build([$"--ObsScaling:DatabasePath={db}", "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        return new Running(app, GrpcChannel.ForAddress(ObsScalingServer.BoundAddresses(app).Single()));
    }

    private static void Cleanup(string dir)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Running(Microsoft.AspNetCore.Builder.WebApplication app, GrpcChannel channel) : IAsyncDisposable
    {
        public V1.ObsScaling.ObsScalingClient Client { get; } = new(channel);

        public async ValueTask DisposeAsync()
        {
            channel.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
