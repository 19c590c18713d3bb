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
internal sealed class LedgerStore : ILedgerStore
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
        using var writer = WriteGate.Enter(_path);
        using var c = Open();
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;

        // The triggers are dropped and created again at every start, in one transaction: that is the migration
        // of files made before a trigger was tightened (the first no-replace trigger checked the ID only, so
        // INSERT OR REPLACE with a new ID and a recorded seq deleted the recorded entry).
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
            CREATE TABLE IF NOT EXISTS preregistration_scores (
                ledger_id TEXT NOT NULL,
                entry_id TEXT NOT NULL,
                score_time TEXT NOT NULL,
                observed_raw REAL NOT NULL,
                body BLOB NOT NULL,
                PRIMARY KEY (ledger_id, entry_id),
                FOREIGN KEY (ledger_id, entry_id) REFERENCES preregistrations(ledger_id, id));
            CREATE TABLE IF NOT EXISTS preregistration_requests (
                ledger_id TEXT NOT NULL,
                request_id TEXT NOT NULL,
                content_sha256 TEXT NOT NULL,
                first_seq INTEGER NOT NULL,
                last_seq INTEGER NOT NULL,
                create_time TEXT NOT NULL,
                PRIMARY KEY (ledger_id, request_id));

            DROP TRIGGER IF EXISTS preregistrations_no_replace;
            DROP TRIGGER IF EXISTS preregistrations_no_update;
            DROP TRIGGER IF EXISTS preregistrations_no_delete;
            DROP TRIGGER IF EXISTS preregistration_scores_no_replace;
            DROP TRIGGER IF EXISTS preregistration_scores_no_orphan;
            DROP TRIGGER IF EXISTS preregistration_scores_no_update;
            DROP TRIGGER IF EXISTS preregistration_scores_no_delete;
            DROP TRIGGER IF EXISTS preregistration_requests_no_replace;
            DROP TRIGGER IF EXISTS preregistration_requests_no_update;
            DROP TRIGGER IF EXISTS preregistration_requests_no_delete;

            -- A BEFORE INSERT trigger runs before SQLite resolves a conflict, so REPLACE (or INSERT OR REPLACE,
            -- whose implicit delete fires no delete trigger unless recursive_triggers is on) never gets to delete:
            -- any row that an insert could collide with, on any unique key or the rowid, aborts it. NEW.rowid is
            -- -1 when the statement does not set it.
            CREATE TRIGGER preregistrations_no_replace BEFORE INSERT ON preregistrations
                WHEN EXISTS (SELECT 1 FROM preregistrations WHERE (ledger_id = NEW.ledger_id AND (id = NEW.id OR seq = NEW.seq)) OR rowid = NEW.rowid)
                BEGIN SELECT RAISE(ABORT, 'preregistrations are immutable: an entry cannot be replaced'); END;
            CREATE TRIGGER preregistrations_no_update BEFORE UPDATE ON preregistrations
                BEGIN SELECT RAISE(ABORT, 'preregistrations are immutable: an entry cannot be updated'); END;
            CREATE TRIGGER preregistrations_no_delete BEFORE DELETE ON preregistrations
                BEGIN SELECT RAISE(ABORT, 'preregistrations are immutable: an entry cannot be deleted'); END;
            CREATE TRIGGER preregistration_scores_no_replace BEFORE INSERT ON preregistration_scores
                WHEN EXISTS (SELECT 1 FROM preregistration_scores WHERE (ledger_id = NEW.ledger_id AND entry_id = NEW.entry_id) OR rowid = NEW.rowid)
                BEGIN SELECT RAISE(ABORT, 'preregistration scores are final: a score cannot be replaced'); END;

            -- The foreign key says the same, but it can be switched off per connection; a trigger cannot.
            CREATE TRIGGER preregistration_scores_no_orphan BEFORE INSERT ON preregistration_scores
                WHEN NOT EXISTS (SELECT 1 FROM preregistrations WHERE ledger_id = NEW.ledger_id AND id = NEW.entry_id)
                BEGIN SELECT RAISE(ABORT, 'a score needs a recorded entry'); END;
            CREATE TRIGGER preregistration_scores_no_update BEFORE UPDATE ON preregistration_scores
                BEGIN SELECT RAISE(ABORT, 'preregistration scores are final: a score cannot be updated'); END;
            CREATE TRIGGER preregistration_scores_no_delete BEFORE DELETE ON preregistration_scores
                BEGIN SELECT RAISE(ABORT, 'preregistration scores are final: a score cannot be deleted'); END;
            CREATE TRIGGER preregistration_requests_no_replace BEFORE INSERT ON preregistration_requests
                WHEN EXISTS (SELECT 1 FROM preregistration_requests WHERE (ledger_id = NEW.ledger_id AND request_id = NEW.request_id) OR rowid = NEW.rowid)
                BEGIN SELECT RAISE(ABORT, 'a request ID is recorded once'); END;
            CREATE TRIGGER preregistration_requests_no_update BEFORE UPDATE ON preregistration_requests
                BEGIN SELECT RAISE(ABORT, 'recorded requests are immutable'); END;
            CREATE TRIGGER preregistration_requests_no_delete BEFORE DELETE ON preregistration_requests
                BEGIN SELECT RAISE(ABORT, 'recorded requests are immutable'); END;
            """;
        cmd.ExecuteNonQuery();
        tx.Commit();
    }

    /// <summary>
    /// Appends entries (their names set) to a ledger in one transaction, in order. With a request ID, the request's
    /// content hash is recorded in the same transaction: the same ID with the same content again stores nothing and
    /// returns the first call's entries (a retry after a lost answer cannot double the ledger); with other content
    /// it is a conflict.
    /// </summary>
    public LedgerAppend Add(string ledger, IReadOnlyList<V1.Preregistration> entries, string? requestId = null, string? contentSha256 = null)
    {
        using var writer = WriteGate.Enter(_path);
        using var c = Open();
        using var tx = c.BeginTransaction();
        if (!string.IsNullOrEmpty(requestId))
        {
            using var find = Command(c, tx, "SELECT content_sha256, first_seq, last_seq FROM preregistration_requests WHERE ledger_id = $l AND request_id = $r", ("$l", ledger), ("$r", requestId));
            using var r = find.ExecuteReader();
            if (r.Read())
            {
                if (r.GetString(0) != contentSha256)
                {
                    throw new Errors.ResourceExistsException("PreregistrationRequest", $"{ResourceName.Ledger(ledger)} request_id {requestId} (recorded with other content: use a new request_id for a new request)");
                }

                return new LedgerAppend(r.GetInt64(1), r.GetInt64(2), Replayed: true);
            }
        }

        var first = Convert.ToInt64(Scalar(c, tx, "SELECT COALESCE(MAX(seq), 0) FROM preregistrations WHERE ledger_id = $l", ("$l", ledger)), CultureInfo.InvariantCulture) + 1;
        var next = first - 1;
        using (var cmd = c.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO preregistrations(ledger_id, id, seq, create_time, fit, model, target, data_hash, predicted_raw, body) VALUES ($l, $id, $seq, $t, $fit, $model, $target, $hash, $pred, $body)";
            cmd.Parameters.AddWithValue("$l", ledger);
            var p = EntryColumns.Select(col => cmd.Parameters.Add(col.Name, col.Type)).ToArray();
            foreach (var e in entries)
            {
                p[0].Value = ResourceName.EntryId(e.Name);
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
        }

        if (!string.IsNullOrEmpty(requestId))
        {
            using var rec = Command(
                c,
                tx,
                "INSERT INTO preregistration_requests(ledger_id, request_id, content_sha256, first_seq, last_seq, create_time) VALUES ($l, $r, $h, $first, $last, $t)",
                ("$l", ledger),
                ("$r", requestId),
                ("$h", contentSha256 ?? ""),
                ("$first", first),
                ("$last", next),
                ("$t", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
            rec.ExecuteNonQuery();
        }

        tx.Commit();
        return new LedgerAppend(first, next, Replayed: false);
    }

    /// <summary>Entries <paramref name="firstSeq"/>..<paramref name="lastSeq"/> of a ledger, in order.</summary>
    public IReadOnlyList<V1.Preregistration> Range(string ledger, long firstSeq, long lastSeq)
    {
        using var c = Open();
        using var cmd = Command(c, null, Select + " WHERE p.ledger_id = $l AND p.seq BETWEEN $a AND $b ORDER BY p.seq", ("$l", ledger), ("$a", firstSeq), ("$b", lastSeq));
        using var r = cmd.ExecuteReader();
        var list = new List<V1.Preregistration>();
        while (r.Read())
        {
            list.Add(Read(r));
        }

        return list;
    }

    /// <summary>
    /// One page of a ledger in recording order, after <paramref name="afterSeq"/> (a keyset: entries are only ever
    /// appended, so a page never skips or repeats one), filtered by state; and the seq of its last entry.
    /// </summary>
    public (IReadOnlyList<V1.Preregistration> Page, long LastSeq, bool More) Page(string ledger, V1.PreregistrationState state, long afterSeq, int limit)
    {
        using var c = Open();
        var filter = state switch
        {
            V1.PreregistrationState.Scored => " AND s.entry_id IS NOT NULL",
            V1.PreregistrationState.Unscored => " AND s.entry_id IS NULL",
            _ => "",
        };
        using var cmd = Command(c, null, SelectWithSeq + " WHERE p.ledger_id = $l AND p.seq > $after" + filter + " ORDER BY p.seq LIMIT $n", ("$l", ledger), ("$after", afterSeq), ("$n", limit + 1));
        using var r = cmd.ExecuteReader();
        var list = new List<V1.Preregistration>();
        long last = afterSeq;
        var more = false;
        while (r.Read())
        {
            if (list.Count == limit)
            {
                more = true;
                break;
            }

            list.Add(Read(r));
            last = r.GetInt64(2);
        }

        return (list, last, more);
    }

    /// <summary>How many entries the ledger holds in the state, and the scores among them (for the summary), without reading the entries.</summary>
    public (int Entries, IReadOnlyList<V1.PreregistrationScore> Scores) Tally(string ledger, V1.PreregistrationState state)
    {
        using var c = Open();
        var entries = Convert.ToInt32(Scalar(c, null, "SELECT COUNT(*) FROM preregistrations WHERE ledger_id = $l", ("$l", ledger)), CultureInfo.InvariantCulture);
        var scores = new List<V1.PreregistrationScore>();
        using (var cmd = Command(c, null, "SELECT body FROM preregistration_scores WHERE ledger_id = $l", ("$l", ledger)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                scores.Add(V1.PreregistrationScore.Parser.ParseFrom((byte[])r[0]));
            }
        }

        return state switch
        {
            V1.PreregistrationState.Scored => (scores.Count, scores),
            V1.PreregistrationState.Unscored => (entries - scores.Count, []),
            _ => (entries, scores),
        };
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

    private static readonly (string Name, SqliteType Type)[] EntryColumns =
    [
        ("$id", SqliteType.Text), ("$seq", SqliteType.Integer), ("$t", SqliteType.Text), ("$fit", SqliteType.Text), ("$model", SqliteType.Text),
        ("$target", SqliteType.Text), ("$hash", SqliteType.Text), ("$pred", SqliteType.Real), ("$body", SqliteType.Blob),
    ];

    private const string Joined = " FROM preregistrations p LEFT JOIN preregistration_scores s ON s.ledger_id = p.ledger_id AND s.entry_id = p.id";

    private const string Select = "SELECT p.body, s.body" + Joined;

    private const string SelectWithSeq = "SELECT p.body, s.body, p.seq" + Joined;

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
