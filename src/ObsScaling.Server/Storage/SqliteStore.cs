using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Every change runs in one IMMEDIATE transaction, so an
/// import or a fit is stored wholly or not at all, and concurrent writers queue on SQLite's lock instead of
/// corrupting each other. Messages are kept as protobuf bytes: exact doubles, and the schema of a row is the
/// contract's.
/// </summary>
internal sealed class SqliteStore : IDatasetStore, IDisposable
{
    private readonly string _connectionString;

    // Parsing and validating a dataset's models costs far more than a fit, so loaded sets are kept. An entry is
    // only served when its descriptor equals the row read in the same transaction (revision, etag, create and
    // update time: a dataset deleted and created again never matches its old entry), so the database decides.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (V1.Dataset Dataset, ModelSet Models)> _loaded = new(StringComparer.Ordinal);

    // Bumped by every delete: a load that began before a delete committed must not put the deleted set back
    // (it would be refused when read, but it would hold the memory until the name is used again).
    private readonly Lock _cacheLock = new();
    private long _deletions;

    private readonly StoreLock _lock;

    public SqliteStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        _lock = StoreLock.Acquire(Path);

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,

            // Microsoft.Data.Sqlite retries a busy database for this long, so writers queue instead of failing.
            DefaultTimeout = 30,
        }.ToString();
        try
        {
            CreateSchema();
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public void Dispose() => _lock.Dispose();

    private void CreateSchema()
    {
        using var c = Open();
        Execute(c, null, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS datasets (
                id TEXT PRIMARY KEY,
                revision INTEGER NOT NULL,
                etag TEXT NOT NULL,
                body BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS models (
                dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                ordinal INTEGER NOT NULL,
                body BLOB NOT NULL,
                PRIMARY KEY (dataset_id, name));
            CREATE INDEX IF NOT EXISTS models_by_ordinal ON models(dataset_id, ordinal);
            CREATE TABLE IF NOT EXISTS fits (
                dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                id TEXT NOT NULL,
                create_time TEXT NOT NULL,
                body BLOB NOT NULL,
                PRIMARY KEY (dataset_id, id));
            CREATE TABLE IF NOT EXISTS forecasts (
                dataset_id TEXT NOT NULL,
                fit_id TEXT NOT NULL,
                id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                body BLOB NOT NULL,
                PRIMARY KEY (dataset_id, fit_id, id),
                FOREIGN KEY (dataset_id, fit_id) REFERENCES fits(dataset_id, id) ON DELETE CASCADE);
            """);
    }

    /// <summary>
    /// The dataset's descriptor, read from the file: one row by primary key costs ~20 µs, and a descriptor served
    /// from memory was what let a deleted or re-created dataset be answered from a stale cache.
    /// </summary>
    public V1.Dataset? GetDataset(string id)
    {
        using var c = Open();
        return ReadDataset(c, null, id);
    }

    public (IReadOnlyList<V1.Dataset> Page, int Total) ListDatasets(int offset, int limit)
    {
        using var c = Open();
        var total = Convert.ToInt32(Scalar(c, null, "SELECT COUNT(*) FROM datasets"), System.Globalization.CultureInfo.InvariantCulture);
        using var cmd = Command(c, null, "SELECT body FROM datasets ORDER BY id LIMIT $limit OFFSET $offset", ("$limit", limit), ("$offset", offset));
        using var r = cmd.ExecuteReader();
        var list = new List<V1.Dataset>();
        while (r.Read())
        {
            list.Add(V1.Dataset.Parser.ParseFrom((byte[])r[0]));
        }

        return (list, total);
    }

    /// <summary>
    /// Merges <paramref name="models"/> into the dataset in one transaction. The merged set is validated before
    /// anything is written; if that throws, nothing is stored.
    /// </summary>
    public ImportOutcome Import(string id, V1.ImportMode mode, string displayName, IReadOnlyList<MetricInfo> metrics, IReadOnlyList<ModelRecord> models)
    {
        using var writer = WriteGate.Enter(Path);
        using var c = Open();
        using var tx = c.BeginTransaction();
        var existing = ReadDataset(c, tx, id);
        var (dataset, merged, added) = DatasetMerge.Apply(id, existing, e => LoadModelSet(c, tx, id, e), mode, displayName, metrics, models);
        if (DatasetMerge.ClearsModels(existing, mode))
        {
            Execute(c, tx, "DELETE FROM models WHERE dataset_id = $id", ("$id", id));
        }

        Execute(c, tx, "INSERT INTO datasets(id, revision, etag, body) VALUES ($id, $rev, $etag, $body) ON CONFLICT(id) DO UPDATE SET revision = $rev, etag = $etag, body = $body",
            ("$id", id), ("$rev", dataset.Revision), ("$etag", dataset.Etag), ("$body", dataset.ToByteArray()));
        using (var upsert = Command(c, tx, "INSERT INTO models(dataset_id, name, ordinal, body) VALUES ($id, $name, $ord, $body) ON CONFLICT(dataset_id, name) DO UPDATE SET body = $body"))
        {
            var pName = upsert.Parameters.Add("$name", SqliteType.Text);
            var pOrd = upsert.Parameters.Add("$ord", SqliteType.Integer);
            var pBody = upsert.Parameters.Add("$body", SqliteType.Blob);
            upsert.Parameters.AddWithValue("$id", id);
            foreach (var m in models)
            {
                pName.Value = m.Name;
                pOrd.Value = merged.IndexOf(m.Name);
                pBody.Value = merged[merged.IndexOf(m.Name)].ToProto().ToByteArray();
                upsert.ExecuteNonQuery();
            }
        }

        tx.Commit();
        long deletions;
        lock (_cacheLock)
        {
            deletions = _deletions;
        }

        // Under the write gate, so no delete can commit between this commit and the entry.
        Remember(id, (dataset, merged), deletions);
        return new ImportOutcome(dataset, merged, added, models.Count - added);
    }

    public void DeleteDataset(string id, bool force, string? etag)
    {
        using var writer = WriteGate.Enter(Path);
        using var c = Open();
        using var tx = c.BeginTransaction();
        var existing = ReadDataset(c, tx, id) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));
        if (!string.IsNullOrEmpty(etag) && etag != existing.Etag)
        {
            throw new ConflictException($"etag '{etag}' does not match the dataset's current etag");
        }

        var fits = Convert.ToInt64(Scalar(c, tx, "SELECT COUNT(*) FROM fits WHERE dataset_id = $id", ("$id", id)), System.Globalization.CultureInfo.InvariantCulture);
        if (fits > 0 && !force)
        {
            throw new ObsPreconditionException("force", "false", $"the dataset has {fits} fit(s); set force to delete them too");
        }

        Execute(c, tx, "DELETE FROM forecasts WHERE dataset_id = $id; DELETE FROM fits WHERE dataset_id = $id; DELETE FROM models WHERE dataset_id = $id; DELETE FROM datasets WHERE id = $id;", ("$id", id));
        tx.Commit();
        lock (_cacheLock)
        {
            _deletions++;
            _loaded.TryRemove(id, out _);
        }
    }

    public (IReadOnlyList<V1.Model> Page, int Total) ListModels(string id, int offset, int limit)
    {
        using var c = Open();
        var ds = ReadDataset(c, null, id) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));
        using var cmd = Command(c, null, "SELECT body FROM models WHERE dataset_id = $id ORDER BY ordinal LIMIT $limit OFFSET $offset", ("$id", id), ("$limit", limit), ("$offset", offset));
        using var r = cmd.ExecuteReader();
        var list = new List<V1.Model>();
        while (r.Read())
        {
            list.Add(V1.Model.Parser.ParseFrom((byte[])r[0]));
        }

        return (list, ds.ModelCount);
    }

    /// <summary>The dataset's models as a validated domain set, with its descriptor.</summary>
    public (V1.Dataset Dataset, ModelSet Models) LoadDataset(string id)
    {
        long deletions;
        lock (_cacheLock)
        {
            deletions = _deletions;
        }

        using var c = Open();
        using var tx = c.BeginTransaction(deferred: true);
        var ds = ReadDataset(c, tx, id) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));
        if (_loaded.TryGetValue(id, out var cached) && cached.Dataset.Equals(ds))
        {
            return cached;
        }

        var loaded = (ds, LoadModelSet(c, tx, id, ds));
        Remember(id, loaded, deletions);
        return loaded;
    }

    public V1.Fit? GetFit(string dataset, string fit)
    {
        using var c = Open();
        var body = Scalar(c, null, "SELECT body FROM fits WHERE dataset_id = $d AND id = $f", ("$d", dataset), ("$f", fit));
        return body is byte[] b ? V1.Fit.Parser.ParseFrom(b) : null;
    }

    public (IReadOnlyList<V1.Fit> Page, int Total) ListFits(string dataset, int offset, int limit)
    {
        using var c = Open();
        if (ReadDataset(c, null, dataset) is null)
        {
            throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(dataset));
        }

        var total = Convert.ToInt32(Scalar(c, null, "SELECT COUNT(*) FROM fits WHERE dataset_id = $d", ("$d", dataset)), System.Globalization.CultureInfo.InvariantCulture);
        using var cmd = Command(c, null, "SELECT body FROM fits WHERE dataset_id = $d ORDER BY create_time, id LIMIT $limit OFFSET $offset", ("$d", dataset), ("$limit", limit), ("$offset", offset));
        using var r = cmd.ExecuteReader();
        var list = new List<V1.Fit>();
        while (r.Read())
        {
            list.Add(V1.Fit.Parser.ParseFrom((byte[])r[0]));
        }

        return (list, total);
    }

    /// <summary>
    /// Stores a fit. A new fit fails with ALREADY_EXISTS unless <paramref name="replace"/>; a refit
    /// (<paramref name="expectedRevision"/> set) is only stored if the dataset is still at that revision,
    /// so a slow refit never overwrites a newer one.
    /// </summary>
    public bool PutFit(string dataset, string fitId, V1.Fit fit, bool replace, long? expectedRevision = null)
    {
        using var writer = WriteGate.Enter(Path);
        using var c = Open();
        using var tx = c.BeginTransaction();
        var ds = ReadDataset(c, tx, dataset) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(dataset));
        if (expectedRevision is { } rev && ds.Revision != rev)
        {
            return false;
        }

        var exists = Scalar(c, tx, "SELECT 1 FROM fits WHERE dataset_id = $d AND id = $f", ("$d", dataset), ("$f", fitId)) is not null;
        if (exists && !replace)
        {
            throw new ResourceExistsException("Fit", ResourceName.Fit(dataset, fitId));
        }

        if (expectedRevision is not null && !exists)
        {
            // The fit was deleted while it was being refitted.
            return false;
        }

        Execute(c, tx, "INSERT INTO fits(dataset_id, id, create_time, body) VALUES ($d, $f, $t, $body) ON CONFLICT(dataset_id, id) DO UPDATE SET body = $body",
            ("$d", dataset), ("$f", fitId), ("$t", fit.CreateTime.ToDateTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture)), ("$body", fit.ToByteArray()));
        tx.Commit();
        return true;
    }

    public void DeleteFit(string dataset, string fit)
    {
        using var writer = WriteGate.Enter(Path);
        using var c = Open();
        using var tx = c.BeginTransaction();
        if (Scalar(c, tx, "SELECT 1 FROM fits WHERE dataset_id = $d AND id = $f", ("$d", dataset), ("$f", fit)) is null)
        {
            throw new ResourceNotFoundException("Fit", ResourceName.Fit(dataset, fit));
        }

        Execute(c, tx, "DELETE FROM forecasts WHERE dataset_id = $d AND fit_id = $f; DELETE FROM fits WHERE dataset_id = $d AND id = $f;", ("$d", dataset), ("$f", fit));
        tx.Commit();
    }

    public void AddForecasts(string dataset, string fit, IReadOnlyList<V1.RecordedForecast> forecasts)
    {
        if (forecasts.Count == 0)
        {
            return;
        }

        using var writer = WriteGate.Enter(Path);
        using var c = Open();
        using var tx = c.BeginTransaction();

        // A DeleteFit may have committed while the stream ran; the foreign key would refuse the rows as INTERNAL.
        if (Scalar(c, tx, "SELECT 1 FROM fits WHERE dataset_id = $d AND id = $f", ("$d", dataset), ("$f", fit)) is null)
        {
            throw new ResourceNotFoundException("Fit", ResourceName.Fit(dataset, fit));
        }

        var next = Convert.ToInt64(Scalar(c, tx, "SELECT COALESCE(MAX(seq), 0) FROM forecasts WHERE dataset_id = $d AND fit_id = $f", ("$d", dataset), ("$f", fit)), System.Globalization.CultureInfo.InvariantCulture);
        using var cmd = Command(c, tx, "INSERT INTO forecasts(dataset_id, fit_id, id, seq, body) VALUES ($d, $f, $id, $seq, $body)", ("$d", dataset), ("$f", fit));
        var pId = cmd.Parameters.Add("$id", SqliteType.Text);
        var pSeq = cmd.Parameters.Add("$seq", SqliteType.Integer);
        var pBody = cmd.Parameters.Add("$body", SqliteType.Blob);
        foreach (var f in forecasts)
        {
            pId.Value = f.Name[(f.Name.LastIndexOf('/') + 1)..];
            pSeq.Value = ++next;
            pBody.Value = f.ToByteArray();
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
    }

    public (IReadOnlyList<V1.RecordedForecast> Page, int Total) ListForecasts(string dataset, string fit, int offset, int limit)
    {
        using var c = Open();
        if (Scalar(c, null, "SELECT 1 FROM fits WHERE dataset_id = $d AND id = $f", ("$d", dataset), ("$f", fit)) is null)
        {
            throw new ResourceNotFoundException("Fit", ResourceName.Fit(dataset, fit));
        }

        var total = Convert.ToInt32(Scalar(c, null, "SELECT COUNT(*) FROM forecasts WHERE dataset_id = $d AND fit_id = $f", ("$d", dataset), ("$f", fit)), System.Globalization.CultureInfo.InvariantCulture);
        using var cmd = Command(c, null, "SELECT body FROM forecasts WHERE dataset_id = $d AND fit_id = $f ORDER BY seq LIMIT $limit OFFSET $offset", ("$d", dataset), ("$f", fit), ("$limit", limit), ("$offset", offset));
        using var r = cmd.ExecuteReader();
        var list = new List<V1.RecordedForecast>();
        while (r.Read())
        {
            list.Add(V1.RecordedForecast.Parser.ParseFrom((byte[])r[0]));
        }

        return (list, total);
    }

    /// <summary>
    /// Caches a loaded or written dataset, unless a delete committed since it was read (<paramref name="deletionsSeen"/>)
    /// or a newer revision of the same dataset is already cached (loads can finish out of order).
    /// </summary>
    private void Remember(string id, (V1.Dataset Dataset, ModelSet Models) entry, long deletionsSeen)
    {
        lock (_cacheLock)
        {
            if (_deletions != deletionsSeen)
            {
                return;
            }

            _loaded.AddOrUpdate(id, entry, (_, current) =>
                current.Dataset.CreateTime.Equals(entry.Dataset.CreateTime) && current.Dataset.Revision > entry.Dataset.Revision ? current : entry);
        }
    }

    private SqliteConnection Open()
    {
        // Connection-level settings come from the connection string, so a pooled connection costs no extra
        // statements; synchronous stays at SQLite's FULL default, which a committed import must survive a crash with.
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    private static V1.Dataset? ReadDataset(SqliteConnection c, SqliteTransaction? tx, string id) =>
        Scalar(c, tx, "SELECT body FROM datasets WHERE id = $id", ("$id", id)) is byte[] b ? V1.Dataset.Parser.ParseFrom(b) : null;

    private static ModelSet LoadModelSet(SqliteConnection c, SqliteTransaction? tx, string id, V1.Dataset ds)
    {
        using var cmd = Command(c, tx, "SELECT body FROM models WHERE dataset_id = $id ORDER BY ordinal", ("$id", id));
        using var r = cmd.ExecuteReader();
        var models = new List<ModelRecord>();
        while (r.Read())
        {
            models.Add(V1.Model.Parser.ParseFrom((byte[])r[0]).ToDomain());
        }

        return new ModelSet(models, ds.Metrics.Select(m => m.ToDomain()));
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

    private static void Execute(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }
}
