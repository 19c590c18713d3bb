using System.Data;
using Google.Protobuf;
using Npgsql;
using NpgsqlTypes;
using static ObsScaling.Server.Storage.PostgresDatabase;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Storage;

/// <summary>
/// The preregistration ledger in PostgreSQL. Append-only in the database (see <see cref="PostgresSchema"/>: triggers
/// refuse UPDATE, DELETE, TRUNCATE and colliding inserts, also under session_replication_role = replica). Appends and
/// scores of one ledger queue on its advisory lock across replicas, so seqs are gapless and a score is inserted once.
/// </summary>
internal sealed class PostgresLedgerStore(PostgresDatabase database) : ILedgerStore
{
    /// <summary>Advisory lock space of ledgers (datasets use <see cref="PostgresStore.LockSpace"/>).</summary>
    public const int LockSpace = 0x0B5E;

    private const string Joined = " FROM preregistrations p LEFT JOIN preregistration_scores s ON s.ledger_id = p.ledger_id AND s.entry_id = p.id";

    private const string Select = "SELECT p.body, s.body, p.seq" + Joined;

    public LedgerAppend Add(string ledger, IReadOnlyList<V1.Preregistration> entries, string? requestId = null, string? contentSha256 = null) => database.Transaction((c, tx) =>
    {
        LockKey(c, tx, LockSpace, ledger);
        if (!string.IsNullOrEmpty(requestId))
        {
            using var find = Command(c, tx, "SELECT content_sha256, first_seq, last_seq FROM preregistration_requests WHERE ledger_id = @l AND request_id = @r", ("l", ledger), ("r", requestId));
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

        var first = Convert.ToInt64(Scalar(c, tx, "SELECT COALESCE(MAX(seq), 0) FROM preregistrations WHERE ledger_id = @l", ("l", ledger)), System.Globalization.CultureInfo.InvariantCulture) + 1;
        var last = first + entries.Count - 1;
        if (entries.Count > 0)
        {
            // In order, in one statement: WITH ORDINALITY keeps the seqs the entries' order.
            using var cmd = Command(c, tx, """
                INSERT INTO preregistrations(ledger_id, id, seq, create_time, fit, model, target, data_hash, predicted_raw, body)
                SELECT @l, id, @first + n - 1, t, fit, model, target, hash, pred, body
                FROM unnest(@ids, @times, @fits, @models, @targets, @hashes, @preds, @bodies) WITH ORDINALITY AS u(id, t, fit, model, target, hash, pred, body, n)
                ORDER BY n
                """, ("l", ledger), ("first", first));
            Array(cmd, "ids", NpgsqlDbType.Text, entries.Select(e => ResourceName.EntryId(e.Name)));
            Array(cmd, "times", NpgsqlDbType.TimestampTz, entries.Select(e => e.CreateTime.ToDateTime()));
            Array(cmd, "fits", NpgsqlDbType.Text, entries.Select(e => e.Fit));
            Array(cmd, "models", NpgsqlDbType.Text, entries.Select(e => e.Input.Model));
            Array(cmd, "targets", NpgsqlDbType.Text, entries.Select(e => e.Target));
            Array(cmd, "hashes", NpgsqlDbType.Text, entries.Select(e => e.DataHash));
            Array(cmd, "preds", NpgsqlDbType.Double, entries.Select(e => e.PredictedRaw));
            Array(cmd, "bodies", NpgsqlDbType.Bytea, entries.Select(e => e.ToByteArray()));
            cmd.ExecuteNonQuery();
        }

        if (!string.IsNullOrEmpty(requestId))
        {
            Execute(
                c,
                tx,
                "INSERT INTO preregistration_requests(ledger_id, request_id, content_sha256, first_seq, last_seq, create_time) VALUES (@l, @r, @h, @first, @last, now())",
                ("l", ledger),
                ("r", requestId),
                ("h", contentSha256 ?? ""),
                ("first", first),
                ("last", last));
        }

        return new LedgerAppend(first, last, Replayed: false);
    });

    public IReadOnlyList<V1.Preregistration> Range(string ledger, long firstSeq, long lastSeq) => database.Read((c, tx) =>
        ReadEntries(c, tx, Select + " WHERE p.ledger_id = @l AND p.seq BETWEEN @a AND @b ORDER BY p.seq", ("l", ledger), ("a", firstSeq), ("b", lastSeq)).Select(e => e.Entry).ToList());

    public (IReadOnlyList<V1.Preregistration> Page, long LastSeq, bool More) Page(string ledger, V1.PreregistrationState state, long afterSeq, int limit) => database.Read((c, tx) =>
    {
        var filter = state switch
        {
            V1.PreregistrationState.Scored => " AND s.entry_id IS NOT NULL",
            V1.PreregistrationState.Unscored => " AND s.entry_id IS NULL",
            _ => "",
        };
        var rows = ReadEntries(c, tx, Select + " WHERE p.ledger_id = @l AND p.seq > @after" + filter + " ORDER BY p.seq LIMIT @n", ("l", ledger), ("after", afterSeq), ("n", limit + 1));
        var page = rows.Take(limit).ToList();
        return ((IReadOnlyList<V1.Preregistration>)page.Select(e => e.Entry).ToList(), page.Count == 0 ? afterSeq : page[^1].Seq, rows.Count > limit);
    });

    public (int Entries, IReadOnlyList<V1.PreregistrationScore> Scores) Tally(string ledger, V1.PreregistrationState state) => database.Read((c, tx) =>
    {
        var entries = Convert.ToInt32(Scalar(c, tx, "SELECT COUNT(*) FROM preregistrations WHERE ledger_id = @l", ("l", ledger)), System.Globalization.CultureInfo.InvariantCulture);
        var scores = new List<V1.PreregistrationScore>();
        using (var cmd = Command(c, tx, "SELECT body FROM preregistration_scores WHERE ledger_id = @l", ("l", ledger)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                scores.Add(V1.PreregistrationScore.Parser.ParseFrom(r.GetFieldValue<byte[]>(0)));
            }
        }

        return state switch
        {
            V1.PreregistrationState.Scored => (scores.Count, (IReadOnlyList<V1.PreregistrationScore>)scores),
            V1.PreregistrationState.Unscored => (entries - scores.Count, []),
            _ => (entries, scores),
        };
    }, IsolationLevel.RepeatableRead);

    public V1.Preregistration? Get(string ledger, string entry) => database.Query(c =>
        ReadEntries(c, null, Select + " WHERE p.ledger_id = @l AND p.id = @e", ("l", ledger), ("e", entry)).Select(e => e.Entry).FirstOrDefault());

    public bool Exists(string ledger) => database.Query(c =>
        Scalar(c, null, "SELECT 1 FROM preregistrations WHERE ledger_id = @l LIMIT 1", ("l", ledger)) is not null);

    public IReadOnlyList<V1.Preregistration> All(string ledger) => database.Query(c =>
        ReadEntries(c, null, Select + " WHERE p.ledger_id = @l ORDER BY p.seq", ("l", ledger)).Select(e => e.Entry).ToList());

    public IReadOnlySet<string> Score(string ledger, IReadOnlyList<(string Entry, V1.PreregistrationScore Score)> scores) => database.Transaction((c, tx) =>
    {
        LockKey(c, tx, LockSpace, ledger);
        var inserted = new HashSet<string>(StringComparer.Ordinal);

        // An entry that has a score is skipped (its first score stays); the no-replace trigger would abort the
        // whole transaction instead.
        using var cmd = Command(c, tx, "INSERT INTO preregistration_scores(ledger_id, entry_id, score_time, observed_raw, body) SELECT @l, @e, @t, @o, @body WHERE NOT EXISTS (SELECT 1 FROM preregistration_scores WHERE ledger_id = @l AND entry_id = @e)", ("l", ledger));
        var pe = cmd.Parameters.Add("e", NpgsqlDbType.Text);
        var pt = cmd.Parameters.Add("t", NpgsqlDbType.TimestampTz);
        var po = cmd.Parameters.Add("o", NpgsqlDbType.Double);
        var pb = cmd.Parameters.Add("body", NpgsqlDbType.Bytea);
        foreach (var (entry, score) in scores)
        {
            pe.Value = entry;
            pt.Value = score.ScoreTime.ToDateTime();
            po.Value = score.ObservedRaw;
            pb.Value = score.ToByteArray();
            if (cmd.ExecuteNonQuery() == 1)
            {
                inserted.Add(entry);
            }
        }

        return (IReadOnlySet<string>)inserted;
    });

    private static void Array<T>(NpgsqlCommand cmd, string name, NpgsqlDbType type, IEnumerable<T> values) =>
        cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | type) { Value = values.ToArray() });

    private static List<(V1.Preregistration Entry, long Seq)> ReadEntries(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        using var r = cmd.ExecuteReader();
        var list = new List<(V1.Preregistration, long)>();
        while (r.Read())
        {
            var entry = V1.Preregistration.Parser.ParseFrom(r.GetFieldValue<byte[]>(0));
            if (!r.IsDBNull(1))
            {
                entry.Score = V1.PreregistrationScore.Parser.ParseFrom(r.GetFieldValue<byte[]>(1));
            }

            list.Add((entry, r.GetInt64(2)));
        }

        return list;
    }
}
