using Google.Protobuf.WellKnownTypes;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Mapping;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Storage;

/// <summary>
/// What an import makes of a dataset, whichever database holds it: the mode's precondition, the merged model set and
/// the new descriptor (revision, counts, metrics, families, content etag). Providers only read and write rows.
/// </summary>
internal sealed record DatasetMerge(V1.Dataset Dataset, ModelSet Merged, int Added)
{
    /// <param name="existing">The dataset's descriptor as read (and locked) in the import's transaction, if any.</param>
    /// <param name="loadCurrent">Reads the stored models of <paramref name="existing"/> in that transaction (an append only).</param>
    public static DatasetMerge Apply(string id, V1.Dataset? existing, Func<V1.Dataset, ModelSet> loadCurrent, V1.ImportMode mode, string displayName, IReadOnlyList<MetricInfo> metrics, IReadOnlyList<ModelRecord> models)
    {
        switch (mode)
        {
            case V1.ImportMode.Create when existing is not null:
                throw new ResourceExistsException("Dataset", ResourceName.Dataset(id));
            case V1.ImportMode.Append when existing is null:
                throw new ResourceNotFoundException("Dataset", ResourceName.Dataset(id));
        }

        var current = existing is null || mode == V1.ImportMode.Replace
            ? new ModelSet([], existing is null ? [] : existing.Metrics.Select(m => m.ToDomain()))
            : loadCurrent(existing);
        var added = models.Count(m => current.IndexOf(m.Name) < 0);
        var merged = current.Upsert(models, metrics);

        var now = Timestamp.FromDateTime(DateTime.UtcNow);
        var dataset = existing?.Clone() ?? new V1.Dataset { Name = ResourceName.Dataset(id), CreateTime = now };
        if (!string.IsNullOrEmpty(displayName))
        {
            dataset.DisplayName = displayName;
        }

        dataset.Revision += 1;
        dataset.UpdateTime = now;
        dataset.ModelCount = merged.Count;
        dataset.Metrics.Clear();
        dataset.Metrics.AddRange(merged.OrderedMetrics().Select(m => m.ToProto()));
        dataset.Families.Clear();
        dataset.Families.AddRange(merged.Models.Select(m => m.Family).OfType<string>().Distinct(StringComparer.Ordinal));
        dataset.Etag = DomainMapping.ContentHash(merged);
        return new DatasetMerge(dataset, merged, added);
    }

    /// <summary>Whether the stored models go first (a REPLACE of an existing dataset).</summary>
    public static bool ClearsModels(V1.Dataset? existing, V1.ImportMode mode) => existing is not null && mode == V1.ImportMode.Replace;
}
