using ObsScaling.Core.Domain;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Features;

/// <summary>
/// How an import of models, from a stream or from result files, reaches the store: checked against the metrics
/// the dataset already declares, stored all or nothing, and the dataset's watchers told.
/// </summary>
internal sealed class DatasetImport(IDatasetStore store, FitWatchHub hub)
{
    public ImportOutcome Store(string id, V1.ImportMode mode, string displayName, IReadOnlyList<MetricInfo> metrics, IReadOnlyList<ModelRecord> models)
    {
        var existing = store.GetDataset(id);
        var known = (existing?.Metrics.Select(m => m.ToDomain()) ?? []).Where(m => metrics.All(x => x.Name != m.Name)).Concat(metrics).ToArray();

        // Validate the batch on its own first, so that field paths name the import's own model indices.
        _ = new ModelSet(models, known);
        var outcome = store.Import(id, mode, displayName, metrics, models);
        hub.DatasetChanged(id);
        return outcome;
    }
}
