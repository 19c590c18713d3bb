using Google.Protobuf.WellKnownTypes;
using Npgsql;
using ObsScaling.Server.Storage;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Stores;

/// <summary>
/// The PostgreSQL ledger edited by hand (Npgsql on the server's database, the owner of the tables): UPDATE, DELETE,
/// TRUNCATE, MERGE, INSERT … ON CONFLICT DO UPDATE / DO NOTHING onto a recorded key or seq, scores changed, removed
/// or forged for entries that do not exist, and the requests that make retries idempotent — with
/// session_replication_role origin and replica (replica skips ordinary triggers and foreign keys). Every statement
/// is refused by a trigger (SQLSTATE 23000) and every row keeps its bytes.
/// </summary>
public sealed class PostgresLedgerTamperTests(PostgresProvider provider, ITestOutputHelper output) : IClassFixture<PostgresProvider>
{
    private const string Columns = "ledger_id, id, seq, create_time, fit, model, target, data_hash, predicted_raw, body";

    private static readonly (string What, string Sql)[] Tampering =
    [
        ("UPDATE of a prediction", "UPDATE preregistrations SET predicted_raw = 0.5, body = '\\x00' WHERE seq = 1"),
        ("UPDATE of every seq", "UPDATE preregistrations SET seq = seq + 100"),
        ("DELETE of an entry", "DELETE FROM preregistrations WHERE seq = 4"),
        ("DELETE of the ledger", "DELETE FROM preregistrations"),
        ("TRUNCATE of the entries (cascading)", "TRUNCATE preregistrations CASCADE"),
        ("TRUNCATE of the scores", "TRUNCATE preregistration_scores"),
        ("TRUNCATE of the requests", "TRUNCATE preregistration_requests"),
        ("UPSERT on a recorded id", $"INSERT INTO preregistrations({Columns}) SELECT ledger_id, id, 999, create_time, fit, model, target, data_hash, 0.5, '\\x00' FROM preregistrations WHERE seq = 2 ON CONFLICT (ledger_id, id) DO UPDATE SET body = EXCLUDED.body, predicted_raw = EXCLUDED.predicted_raw"),
        ("UPSERT on a recorded seq", $"INSERT INTO preregistrations({Columns}) SELECT ledger_id, 'forged', seq, create_time, fit, model, target, data_hash, 0.5, '\\x00' FROM preregistrations WHERE seq = 3 ON CONFLICT (ledger_id, seq) DO UPDATE SET body = EXCLUDED.body"),
        ("INSERT … DO NOTHING onto a recorded id", $"INSERT INTO preregistrations({Columns}) SELECT ledger_id, id, 998, create_time, fit, model, target, data_hash, 0.5, '\\x00' FROM preregistrations WHERE seq = 1 ON CONFLICT DO NOTHING"),
        ("INSERT of a new id at a recorded seq", $"INSERT INTO preregistrations({Columns}) SELECT ledger_id, 'forged2', seq, create_time, fit, model, target, data_hash, 0.5, '\\x00' FROM preregistrations WHERE seq = 5"),
        ("MERGE updating matched entries", "MERGE INTO preregistrations p USING (SELECT ledger_id, id FROM preregistrations) s ON p.ledger_id = s.ledger_id AND p.id = s.id WHEN MATCHED THEN UPDATE SET predicted_raw = 0.5"),
        ("MERGE deleting matched entries", "MERGE INTO preregistrations p USING (SELECT ledger_id, id FROM preregistrations) s ON p.ledger_id = s.ledger_id AND p.id = s.id WHEN MATCHED THEN DELETE"),
        ("UPDATE of a score", "UPDATE preregistration_scores SET observed_raw = 0.123, body = '\\x00'"),
        ("DELETE of the scores (to score again)", "DELETE FROM preregistration_scores"),
        ("UPSERT of a score", "INSERT INTO preregistration_scores(ledger_id, entry_id, score_time, observed_raw, body) SELECT ledger_id, entry_id, score_time, 0.123, '\\x00' FROM preregistration_scores ON CONFLICT (ledger_id, entry_id) DO UPDATE SET observed_raw = EXCLUDED.observed_raw"),
        ("a second score, ignored on conflict", "INSERT INTO preregistration_scores(ledger_id, entry_id, score_time, observed_raw, body) SELECT ledger_id, entry_id, score_time, 0.123, '\\x00' FROM preregistration_scores ON CONFLICT DO NOTHING"),
        ("a score for an entry that does not exist", "INSERT INTO preregistration_scores(ledger_id, entry_id, score_time, observed_raw, body) SELECT ledger_id, 'no-such-entry', score_time, 0.5, '\\x00' FROM preregistration_scores LIMIT 1"),
        ("UPDATE of a recorded request", "UPDATE preregistration_requests SET content_sha256 = 'other'"),
        ("DELETE of a recorded request (to replay it)", "DELETE FROM preregistration_requests"),
        ("a recorded request ID again", "INSERT INTO preregistration_requests(ledger_id, request_id, content_sha256, first_seq, last_seq, create_time) SELECT ledger_id, request_id, 'other', 1, 1, now() FROM preregistration_requests ON CONFLICT DO NOTHING"),
    ];

    [SkippableFact]
    public void Hand_written_SQL_cannot_update_delete_truncate_replace_or_forge_entries_scores_or_requests()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var ledger = "tamper-" + Guid.NewGuid().ToString("N")[..8];
        var entries = Enumerable.Range(1, 5).Select(i => new V1.Preregistration
        {
            Name = ResourceName.LedgerEntry(ledger, $"e{i}"),
            CreateTime = Timestamp.FromDateTime(DateTime.UtcNow),
            Fit = "datasets/d/fits/f",
            Target = "downstream",
            DataHash = "hash",
            PredictedRaw = i / 10.0,
            Input = new V1.PreregistrationInput { Model = $"model-{i}" },
        }).ToList();
        provider.Ledger.Add(ledger, entries, "req-1", "sha-1");
        provider.Ledger.Score(ledger, [("e1", new V1.PreregistrationScore { ObservedRaw = 0.11, ScoreTime = Timestamp.FromDateTime(DateTime.UtcNow) }), ("e2", new V1.PreregistrationScore { ObservedRaw = 0.22, ScoreTime = Timestamp.FromDateTime(DateTime.UtcNow) })]);
        var stored = provider.Ledger.All(ledger);
        var before = Snapshot();

        var refused = 0;
        foreach (var role in new[] { "origin", "replica" })
        {
            foreach (var (what, sql) in Tampering)
            {
                using var c = new NpgsqlConnection(provider.Cluster.ConnectionString + ";Pooling=false");
                c.Open();
                Exec(c, $"SET session_replication_role = {role}");
                var ex = Assert.Throws<PostgresException>(() => Exec(c, sql));
                Assert.True(ex.SqlState == "23000", $"'{what}' (session_replication_role {role}) failed for another reason than the ledger's triggers: {ex.SqlState} {ex.MessageText}");
                Assert.True(before.SequenceEqual(Snapshot()), $"'{what}' (session_replication_role {role}) changed the ledger: {ex.MessageText}");
                refused++;
            }
        }

        Assert.Equal(stored, provider.Ledger.All(ledger));
        output.WriteLine($"{refused} hand-written statements refused ({Tampering.Length} kinds × session_replication_role origin/replica); {stored.Count} entries, 2 scored, unchanged");
    }

    /// <summary>Every row of the three ledger tables, all columns, as text.</summary>
    private List<string> Snapshot()
    {
        using var c = new NpgsqlConnection(provider.Cluster.ConnectionString + ";Pooling=false");
        c.Open();
        var rows = new List<string>();
        foreach (var table in new[] { "preregistrations", "preregistration_scores", "preregistration_requests" })
        {
            using var cmd = new NpgsqlCommand($"SELECT t::text FROM {table} t ORDER BY t::text COLLATE \"C\"", c);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                rows.Add(table + ": " + r.GetString(0));
            }
        }

        Assert.Equal(8, rows.Count);
        return rows;
    }

    private static void Exec(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }
}
