using ObsScaling.Core.Domain;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Storage;

/// <summary>
/// Datasets, their models, fits and recorded forecasts, whichever database holds them. Every provider keeps the
/// same guarantees: an import or a fit is stored whole or not at all, concurrent writers never lose an
/// acknowledged write, and an etag or revision guards every replacement.
/// </summary>
internal interface IDatasetStore
{
    /// <summary>The dataset's descriptor, read from the database (never from a cache that could be stale).</summary>
    V1.Dataset? GetDataset(string id);

    (IReadOnlyList<V1.Dataset> Page, int Total) ListDatasets(int offset, int limit);

    /// <summary>Merges <paramref name="models"/> into the dataset in one transaction; nothing is stored if it throws.</summary>
    ImportOutcome Import(string id, V1.ImportMode mode, string displayName, IReadOnlyList<MetricInfo> metrics, IReadOnlyList<ModelRecord> models);

    void DeleteDataset(string id, bool force, string? etag);

    (IReadOnlyList<V1.Model> Page, int Total) ListModels(string id, int offset, int limit);

    /// <summary>The dataset's models as a validated domain set, with its descriptor.</summary>
    (V1.Dataset Dataset, ModelSet Models) LoadDataset(string id);

    V1.Fit? GetFit(string dataset, string fit);

    (IReadOnlyList<V1.Fit> Page, int Total) ListFits(string dataset, int offset, int limit);

    /// <summary>
    /// Stores a fit. A new fit fails with ALREADY_EXISTS unless <paramref name="replace"/>; a refit
    /// (<paramref name="expectedRevision"/> set) is only stored if the dataset is still at that revision.
    /// </summary>
    bool PutFit(string dataset, string fitId, V1.Fit fit, bool replace, long? expectedRevision = null);

    void DeleteFit(string dataset, string fit);

    void AddForecasts(string dataset, string fit, IReadOnlyList<V1.RecordedForecast> forecasts);

    (IReadOnlyList<V1.RecordedForecast> Page, int Total) ListForecasts(string dataset, string fit, int offset, int limit);
}
