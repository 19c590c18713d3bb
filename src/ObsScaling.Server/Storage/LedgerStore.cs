using System.Globalization;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Storage;

/// <summary>
/// The preregistration ledger's tables in the server's SQLite file. Entries are append-only: triggers abort any
/// UPDATE or DELETE of a recorded entry or of a score, so not even a bug in this server (or a hand-run SQL
/// statement) can rewrite a forecast after the fact. A score is a row of its own, inserted once; a second
/// score of the same entry is ignored, so the first one is final. INSERT OR REPLACE is caught too: SQLite's
/// REPLACE deletes without firing delete triggers, so a BEFORE INSERT trigger refuses an existing key.
/// </summary>
internal sealed class LedgerStore
{
    private readonly string _path;
    private readonly string _connectionString;

    public LedgerStore(SqliteStore store)
    {
        ArgumentNullException.ThrowIfNull(store);

        _path = store.Path;

        // The main store has created the file and switched it to WAL; this shares its settings.
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = store.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            CREATE TABLE IF NOT EXISTS preregistrations (
                ledger_id TEXT NOT NULL,
                id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                create_time TEXT NOT NULL,
                fit TEXT NOT NULL,
                model TEXT NOT NULL,
                target TEXT NOT NULL,
                data_hash TEXT NOT NULL,
                predicted_raw REAL NOT NULL,
                body BLOB NOT NULL,
                PRIMARY KEY (ledger_id, id),
                UNIQUE (ledger_id, seq));
            CREATE TRIGGER IF NOT EXISTS preregistrations_no_replace BEFORE INSERT ON preregistrations
                WHEN EXISTS (SELECT 1 FROM preregistrations WHERE ledger_id = NEW.ledger_id AND id = NEW.id)
                BEGIN SELECT RAISE(ABORT, 'preregistrations are immutable: an entry cannot be replaced'); END;
            CREATE TRIGGER IF NOT EXISTS preregistrations_no_update BEFORE UPDATE ON preregistrations
                BEGIN SELECT RAISE(ABORT, 'preregistrations are immutable: an entry cannot be updated'); END;
            CREATE TRIGGER IF NOT EXISTS preregistrations_no_delete BEFORE DELETE ON preregistrations
                BEGIN SELECT RAISE(ABORT, 'preregistrations are immutable: an entry cannot be deleted'); END;
            CREATE TABLE IF NOT EXISTS preregistration_scores (
                ledger_id TEXT NOT NULL,
                entry_id TEXT NOT NULL,
                score_time TEXT NOT NULL,
                observed_raw REAL NOT NULL,
                body BLOB NOT NULL,
                PRIMARY KEY (ledger_id, entry_id),
                FOREIGN KEY (ledger_id, entry_id) REFERENCES preregistrations(ledger_id, id));
            CREATE TRIGGER IF NOT EXISTS preregistration_scores_no_replace BEFORE INSERT ON preregistration_scores
                WHEN EXISTS (SELECT 1 FROM preregistration_scores WHERE ledger_id = NEW.ledger_id AND entry_id = NEW.entry_id)
                BEGIN SELECT RAISE(ABORT, 'preregistration scores are final: a score cannot be replaced'); END;
            CREATE TRIGGER IF NOT EXISTS preregistration_scores_no_update BEFORE UPDATE ON preregistration_scores
                BEGIN SELECT RAISE(ABORT, 'preregistration scores are final: a score cannot be updated'); END;
            CREATE TRIGGER IF NOT EXISTS preregistration_scores_no_delete BEFORE DELETE ON preregistration_scores
                BEGIN SELECT RAISE(ABORT, 'preregistration scores are final: a score cannot be deleted'); END;
            """;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Appends entries (their names set) to a ledger in one transaction, in order.</summary>
    public void Add(string ledger, IReadOnlyList<V1.Preregistration> entries)
    {
        using var writer = WriteGate.Enter(_path);
        using var c = Open();
        using var tx = c.BeginTransaction();
        var next = Convert.ToInt64(Scalar(c, tx, "SELECT COALESCE(MAX(seq), 0) FROM preregistrations WHERE ledger_id = $l", ("$l", ledger)), CultureInfo.InvariantCulture);
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO preregistrations(ledger_id, id, seq, create_time, fit, model, target, data_hash, predicted_raw, body) VALUES ($l, $id, $seq, $t, $fit, $model, $target, $hash, $pred, $body)";
        cmd.Parameters.AddWithValue("$l", ledger);
        var p = EntryColumns.Select(col => cmd.Parameters.Add(col.Name, col.Type)).ToArray();
        foreach (var e in entries)
        {
            p[0].Value = EntryId(e.Name);
            p[1].Value = ++next;
            p[2].Value = e.CreateTime.ToDateTime().ToString("O", CultureInfo.InvariantCulture);
            p[3].Value = e.Fit;
            p[4].Value = e.Input.Model;
            p[5].Value = e.Target;
            p[6].Value = e.DataHash;
            p[7].Value = e.PredictedRaw;
            p[8].Value = e.ToByteArray();
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
    }

    public V1.Preregistration? Get(string ledger, string entry)
    {
        using var c = Open();
        using var cmd = Command(c, null, Select + " WHERE p.ledger_id = $l AND p.id = $e", ("$l", ledger), ("$e", entry));
        using var r = cmd.ExecuteReader();
        return r.Read() ? Read(r) : null;
    }

    public bool Exists(string ledger)
    {
        using var c = Open();
        return Scalar(c, null, "SELECT 1 FROM preregistrations WHERE ledger_id = $l LIMIT 1", ("$l", ledger)) is not null;
    }

    /// <summary>Every entry of the ledger in recording order, with its score if it has one.</summary>
    public IReadOnlyList<V1.Preregistration> All(string ledger)
    {
        using var c = Open();
        using var cmd = Command(c, null, Select + " WHERE p.ledger_id = $l ORDER BY p.seq", ("$l", ledger));
        using var r = cmd.ExecuteReader();
        var list = new List<V1.Preregistration>();
        while (r.Read())
        {
            list.Add(Read(r));
        }

        return list;
    }

    /// <summary>Inserts the scores of entries that have none yet, in one transaction; returns the IDs scored now.</summary>
    public IReadOnlySet<string> Score(string ledger, IReadOnlyList<(string Entry, V1.PreregistrationScore Score)> scores)
    {
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        using var writer = WriteGate.Enter(_path);
        using var c = Open();
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;

        // An entry that has a score is skipped (its first score stays); the no-replace trigger would abort the
        // whole transaction instead, and INSERT OR REPLACE would slip past delete triggers.
        cmd.CommandText = "INSERT INTO preregistration_scores(ledger_id, entry_id, score_time, observed_raw, body) SELECT $l, $e, $t, $o, $body WHERE NOT EXISTS (SELECT 1 FROM preregistration_scores WHERE ledger_id = $l AND entry_id = $e)";
        cmd.Parameters.AddWithValue("$l", ledger);
        var pe = cmd.Parameters.Add("$e", SqliteType.Text);
        var pt = cmd.Parameters.Add("$t", SqliteType.Text);
        var po = cmd.Parameters.Add("$o", SqliteType.Real);
        var pb = cmd.Parameters.Add("$body", SqliteType.Blob);
        foreach (var (entry, score) in scores)
        {
            pe.Value = entry;
            pt.Value = score.ScoreTime.ToDateTime().ToString("O", CultureInfo.InvariantCulture);
            po.Value = score.ObservedRaw;
            pb.Value = score.ToByteArray();
            if (cmd.ExecuteNonQuery() == 1)
            {
                inserted.Add(entry);
            }
        }

        tx.Commit();
        return inserted;
    }

    public static string EntryId(string name) => name[(name.LastIndexOf('/') + 1)..];

    private static readonly (string Name, SqliteType Type)[] EntryColumns =
    [
        ("$id", SqliteType.Text), ("$seq", SqliteType.Integer), ("$t", SqliteType.Text), ("$fit", SqliteType.Text), ("$model", SqliteType.Text),
        ("$target", SqliteType.Text), ("$hash", SqliteType.Text), ("$pred", SqliteType.Real), ("$body", SqliteType.Blob),
    ];

    private const string Select = "SELECT p.body, s.body FROM preregistrations p LEFT JOIN preregistration_scores s ON s.ledger_id = p.ledger_id AND s.entry_id = p.id";

    private static V1.Preregistration Read(SqliteDataReader r)
    {
        var entry = V1.Preregistration.Parser.ParseFrom((byte[])r[0]);
        if (!r.IsDBNull(1))
        {
            entry.Score = V1.PreregistrationScore.Parser.ParseFrom((byte[])r[1]);
        }

        return entry;
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return cmd;
    }

    private static object? Scalar(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }
}
