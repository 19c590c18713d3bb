using System.Data;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Npgsql;
using NpgsqlTypes;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using static ObsScaling.Server.Storage.PostgresDatabase;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Storage;

/// <summary>
/// Datasets, fits and forecasts in a PostgreSQL database that several replicas share. Rows hold protobuf bytes, as
/// in <see cref="SqliteStore"/>. Every change is one transaction that first takes the dataset's advisory lock, so
/// writers of one dataset queue across replicas (two creates of one name cannot both succeed, a refit cannot slip
/// in between an import's revision check and its write) while other datasets proceed. Reads that need the
/// descriptor and the models to agree read both in one REPEATABLE READ snapshot.
/// </summary>
internal sealed class PostgresStore(PostgresDatabase database) : IDatasetStore
{
    /// <summary>Advisory lock space of datasets (the ledger's is <see cref="PostgresLedgerStore.LockSpace"/>).</summary>
    public const int LockSpace = 0x0B5D;

    // As in SqliteStore: loaded sets are kept, and an entry is only served when its descriptor equals the row read
    // in the same snapshot, so a change made through another replica is never answered from this one's memory.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (V1.Dataset Dataset, ModelSet Models)> _loaded = new(StringComparer.Ordinal);
    private readonly Lock _cacheLock = new();
    private long _deletions;

    public V1.Dataset? GetDataset(string id) => database.Query(c => ReadDataset(c, null, id));

    public (IReadOnlyList<V1.Dataset> Page, int Total) ListDatasets(int offset, int limit) => database.Read((c, tx) =>
    {
        var total = Convert.ToInt32(Scalar(c, tx, "SELECT COUNT(*) FROM datasets"), CultureInfo.InvariantCulture);
        return ((IReadOnlyList<V1.Dataset>)ReadAll(c, tx, "SELECT body FROM datasets ORDER BY id COLLATE \"C\" LIMIT @limit OFFSET @offset", V1.Dataset.Parser, ("limit", limit), ("offset", offset)), total);
    }, IsolationLevel.RepeatableRead);

    public ImportOutcome Import(string id, V1.ImportMode mode, string displayName, IReadOnlyList<MetricInfo> metrics, IReadOnlyList<ModelRecord> models)
    {
        long deletions;
        lock (_cacheLock)
        {
            deletions = _deletions;
        }

        var outcome = database.Transaction((c, tx) =>
        {
            var existing = LockAndReadDataset(c, tx, id);
            var (dataset, merged, added) = DatasetMerge.Apply(id, existing, e => LoadModelSet(c, tx, id, e), mode, displayName, metrics, models);
            if (DatasetMerge.ClearsModels(existing, mode))
            {
                Execute(c, tx, "DELETE FROM models WHERE dataset_id = @id", ("id", id));
            }

            Execute(c, tx, "INSERT INTO datasets(id, revision, etag, body) VALUES (@id, @rev, @etag, @body) ON CONFLICT(id) DO UPDATE SET revision = EXCLUDED.revision, etag = EXCLUDED.etag, body = EXCLUDED.body",
                ("id", id), ("rev", dataset.Revision), ("etag", dataset.Etag), ("body", dataset.ToByteArray()));

            // One statement for all the models (arrays unnested), not one round trip each; a name given twice is
            // stored once (ON CONFLICT may not touch a row twice in one statement), with the merged set's body.
            var names = models.Select(m => m.Name).Distinct(StringComparer.Ordinal).ToArray();
            using (var upsert = Command(c, tx, "INSERT INTO models(dataset_id, name, ordinal, body) SELECT @id, n, o, b FROM unnest(@names, @ords, @bodies) AS u(n, o, b) ON CONFLICT(dataset_id, name) DO UPDATE SET body = EXCLUDED.body", ("id", id)))
            {
                upsert.Parameters.Add(new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = names });
                upsert.Parameters.Add(new NpgsqlParameter("ords", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = names.Select(merged.IndexOf).ToArray() });
                upsert.Parameters.Add(new NpgsqlParameter("bodies", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = names.Select(n => merged[merged.IndexOf(n)].ToProto().ToByteArray()).ToArray() });
                upsert.ExecuteNonQuery();
            }

            return new ImportOutcome(dataset, merged, added, models.Count - added);
        });

        // The deletion count was read before the commit: a delete that committed after it has bumped the count
        // (and this entry is not kept) or will remove the entry itself.
        Remember(id, (outcome.Dataset, outcome.Models), deletions);
        return outcome;
    }

    public void DeleteDataset(string id, bool force, string? etag)
    {
        database.Transaction((c, tx) =>
        {
            var existing = LockAndReadDataset(c, tx, id) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));
            if (!string.IsNullOrEmpty(etag) && etag != existing.Etag)
            {
                throw new ConflictException($"etag '{etag}' does not match the dataset's current etag");
            }

            var fits = Convert.ToInt64(Scalar(c, tx, "SELECT COUNT(*) FROM fits WHERE dataset_id = @id", ("id", id)), CultureInfo.InvariantCulture);
            if (fits > 0 && !force)
            {
                throw new ObsPreconditionException("force", "false", $"the dataset has {fits} fit(s); set force to delete them too");
            }

            // The cascades remove models, fits and forecasts with the row, in this transaction.
            Execute(c, tx, "DELETE FROM datasets WHERE id = @id", ("id", id));
            return true;
        });
        lock (_cacheLock)
        {
            _deletions++;
            _loaded.TryRemove(id, out _);
        }
    }

    public (IReadOnlyList<V1.Model> Page, int Total) ListModels(string id, int offset, int limit) => database.Read((c, tx) =>
    {
        var ds = ReadDataset(c, tx, id) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));
        return ((IReadOnlyList<V1.Model>)ReadAll(c, tx, "SELECT body FROM models WHERE dataset_id = @id ORDER BY ordinal LIMIT @limit OFFSET @offset", V1.Model.Parser, ("id", id), ("limit", limit), ("offset", offset)), ds.ModelCount);
    }, IsolationLevel.RepeatableRead);

    public (V1.Dataset Dataset, ModelSet Models) LoadDataset(string id)
    {
        long deletions;
        lock (_cacheLock)
        {
            deletions = _deletions;
        }

        // The usual case, a cached set still current, costs one statement; otherwise descriptor and models are read
        // in one snapshot, so they agree even while another replica imports.
        var current = database.Query(c => ReadDataset(c, null, id)) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));
        if (_loaded.TryGetValue(id, out var cached) && cached.Dataset.Equals(current))
        {
            return cached;
        }

        var loaded = database.Read((c, tx) =>
        {
            var ds = ReadDataset(c, tx, id) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));
            return (ds, LoadModelSet(c, tx, id, ds));
        }, IsolationLevel.RepeatableRead);
        Remember(id, loaded, deletions);
        return loaded;
    }

    public V1.Fit? GetFit(string dataset, string fit) => database.Query(c =>
        Scalar(c, null, "SELECT body FROM fits WHERE dataset_id = @d AND id = @f", ("d", dataset), ("f", fit)) is byte[] b ? V1.Fit.Parser.ParseFrom(b) : null);

    public (IReadOnlyList<V1.Fit> Page, int Total) ListFits(string dataset, int offset, int limit) => database.Read((c, tx) =>
    {
        if (ReadDataset(c, tx, dataset) is null)
        {
            throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(dataset));
        }

        var total = Convert.ToInt32(Scalar(c, tx, "SELECT COUNT(*) FROM fits WHERE dataset_id = @d", ("d", dataset)), CultureInfo.InvariantCulture);
        return ((IReadOnlyList<V1.Fit>)ReadAll(c, tx, "SELECT body FROM fits WHERE dataset_id = @d ORDER BY create_time, id COLLATE \"C\" LIMIT @limit OFFSET @offset", V1.Fit.Parser, ("d", dataset), ("limit", limit), ("offset", offset)), total);
    }, IsolationLevel.RepeatableRead);

    public bool PutFit(string dataset, string fitId, V1.Fit fit, bool replace, long? expectedRevision = null) => database.Transaction((c, tx) =>
    {
        var ds = LockAndReadDataset(c, tx, dataset) ?? throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(dataset));
        if (expectedRevision is { } rev && ds.Revision != rev)
        {
            return false;
        }

        var exists = Scalar(c, tx, "SELECT 1 FROM fits WHERE dataset_id = @d AND id = @f", ("d", dataset), ("f", fitId)) is not null;
        if (exists && !replace)
        {
            throw new ResourceExistsException("Fit", ResourceName.Fit(dataset, fitId));
        }

        if (expectedRevision is not null && !exists)
        {
            // The fit was deleted while it was being refitted.
            return false;
        }

        Execute(c, tx, "INSERT INTO fits(dataset_id, id, create_time, body) VALUES (@d, @f, @t, @body) ON CONFLICT(dataset_id, id) DO UPDATE SET body = EXCLUDED.body",
            ("d", dataset), ("f", fitId), ("t", fit.CreateTime.ToDateTime()), ("body", fit.ToByteArray()));
        return true;
    });

    public void DeleteFit(string dataset, string fit) => database.Transaction((c, tx) =>
    {
        LockKey(c, tx, LockSpace, dataset);
        if (Scalar(c, tx, "SELECT 1 FROM fits WHERE dataset_id = @d AND id = @f", ("d", dataset), ("f", fit)) is null)
        {
            throw new ResourceNotFoundException("Fit", ResourceName.Fit(dataset, fit));
        }

        Execute(c, tx, "DELETE FROM fits WHERE dataset_id = @d AND id = @f", ("d", dataset), ("f", fit));
        return true;
    });

    public void AddForecasts(string dataset, string fit, IReadOnlyList<V1.RecordedForecast> forecasts)
    {
        if (forecasts.Count == 0)
        {
            return;
        }

        database.Transaction((c, tx) =>
        {
            LockKey(c, tx, LockSpace, dataset);

            // A DeleteFit may have committed while the stream ran; the foreign key would refuse the rows as INTERNAL.
            if (Scalar(c, tx, "SELECT 1 FROM fits WHERE dataset_id = @d AND id = @f", ("d", dataset), ("f", fit)) is null)
            {
                throw new ResourceNotFoundException("Fit", ResourceName.Fit(dataset, fit));
            }

            var next = Convert.ToInt64(Scalar(c, tx, "SELECT COALESCE(MAX(seq), 0) FROM forecasts WHERE dataset_id = @d AND fit_id = @f", ("d", dataset), ("f", fit)), CultureInfo.InvariantCulture);
            using var cmd = Command(c, tx, "INSERT INTO forecasts(dataset_id, fit_id, id, seq, body) SELECT @d, @f, i, s, b FROM unnest(@ids, @seqs, @bodies) AS u(i, s, b)", ("d", dataset), ("f", fit));
            cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = forecasts.Select(f => f.Name[(f.Name.LastIndexOf('/') + 1)..]).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = Enumerable.Range(1, forecasts.Count).Select(i => next + i).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("bodies", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = forecasts.Select(f => f.ToByteArray()).ToArray() });
            cmd.ExecuteNonQuery();
            return true;
        });
    }

    public (IReadOnlyList<V1.RecordedForecast> Page, int Total) ListForecasts(string dataset, string fit, int offset, int limit) => database.Read((c, tx) =>
    {
        if (Scalar(c, tx, "SELECT 1 FROM fits WHERE dataset_id = @d AND id = @f", ("d", dataset), ("f", fit)) is null)
        {
            throw new ResourceNotFoundException("Fit", ResourceName.Fit(dataset, fit));
        }

        var total = Convert.ToInt32(Scalar(c, tx, "SELECT COUNT(*) FROM forecasts WHERE dataset_id = @d AND fit_id = @f", ("d", dataset), ("f", fit)), CultureInfo.InvariantCulture);
        return ((IReadOnlyList<V1.RecordedForecast>)ReadAll(c, tx, "SELECT body FROM forecasts WHERE dataset_id = @d AND fit_id = @f ORDER BY seq LIMIT @limit OFFSET @offset", V1.RecordedForecast.Parser, ("d", dataset), ("f", fit), ("limit", limit), ("offset", offset)), total);
    }, IsolationLevel.RepeatableRead);

    /// <summary>Caches a loaded or written dataset unless a delete committed since it was read, or a newer revision is cached.</summary>
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

    /// <summary>Takes the dataset's write lock and reads its descriptor under it, in one round trip.</summary>
    private static V1.Dataset? LockAndReadDataset(NpgsqlConnection c, NpgsqlTransaction tx, string id) =>
        LockThenScalar(c, tx, LockSpace, id, "SELECT body FROM datasets WHERE id = @id", ("id", id)) is byte[] b ? V1.Dataset.Parser.ParseFrom(b) : null;

    private static V1.Dataset? ReadDataset(NpgsqlConnection c, NpgsqlTransaction? tx, string id) =>
        Scalar(c, tx, "SELECT body FROM datasets WHERE id = @id", ("id", id)) is byte[] b ? V1.Dataset.Parser.ParseFrom(b) : null;

    private static ModelSet LoadModelSet(NpgsqlConnection c, NpgsqlTransaction tx, string id, V1.Dataset ds)
    {
        var models = ReadAll(c, tx, "SELECT body FROM models WHERE dataset_id = @id ORDER BY ordinal", V1.Model.Parser, ("id", id));
        return new ModelSet(models.Select(m => m.ToDomain()).ToList(), ds.Metrics.Select(m => m.ToDomain()));
    }

    private static List<T> ReadAll<T>(NpgsqlConnection c, NpgsqlTransaction tx, string sql, MessageParser<T> parser, params (string Name, object Value)[] args)
        where T : IMessage<T>
    {
        using var cmd = Command(c, tx, sql, args);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read())
        {
            list.Add(parser.ParseFrom(r.GetFieldValue<byte[]>(0)));
        }

        return list;
    }
}
