using ObsScaling.Server.Storage;
using Prometheus;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (several servers in one process, as in the tests, must
/// not add up into one another's counts). Calls and streams are counted as they happen; the per-fit gauges are read
/// from the store at each scrape, so fits created, refitted or deleted by any path are shown as stored.
/// </summary>
internal sealed class ServerMetrics
{
    private static readonly double[] CallBuckets = Histogram.ExponentialBuckets(0.0005, 2, 18);
    private static readonly double[] RefitBuckets = Histogram.ExponentialBuckets(0.001, 2, 18);

    private readonly Gauge _testMse;
    private readonly Gauge _trainMse;
    private readonly Gauge _coverage;
    private readonly Gauge _lastRefit;
    private readonly Gauge _fitRevision;
    private readonly Gauge _datasets;
    private readonly Gauge _storeUp;

    public ServerMetrics(IDatasetStore store)
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Metrics.WithCustomRegistry(Registry);
        Calls = factory.CreateCounter("obsscaling_grpc_requests_total", "gRPC calls finished, by method and status code.", "grpc_service", "grpc_method", "grpc_code");
        CallSeconds = factory.CreateHistogram("obsscaling_grpc_request_duration_seconds", "Time from a gRPC call's start until its handler returned (a stream counts until it ends), by method and status code.",
            new HistogramConfiguration { LabelNames = ["grpc_service", "grpc_method", "grpc_code"], Buckets = CallBuckets });
        Streams = factory.CreateGauge("obsscaling_grpc_streams_active", "Streaming gRPC calls in progress, by method.", "grpc_service", "grpc_method");
        Watchers = factory.CreateGauge("obsscaling_watchers_active", "Open refit watches: WatchFits streams (transport grpc) and SSE feeds (transport sse).", "transport");
        Imports = factory.CreateCounter("obsscaling_imports_total", "Imports stored (ImportModels or ImportFiles that ended OK).", "grpc_method");
        ModelsImported = factory.CreateCounter("obsscaling_models_imported_total", "Models added or replaced by imports.");
        FitsCreated = factory.CreateCounter("obsscaling_fits_created_total", "Fits created by CreateFit.");
        Refits = factory.CreateCounter("obsscaling_refits_total", "Background refits after a change, by dataset and outcome (refit, refit_failed).", "dataset", "outcome");
        RefitFailures = factory.CreateCounter("obsscaling_refit_failures_total", "Background refits that failed or ran out of time, by dataset.", "dataset");
        RefitSeconds = factory.CreateHistogram("obsscaling_refit_duration_seconds", "Time one fit's background refit took (compute slot wait included), by outcome.",
            new HistogramConfiguration { LabelNames = ["outcome"], Buckets = RefitBuckets });
        RefitDelaySeconds = factory.CreateHistogram("obsscaling_refit_delay_seconds", "Time from a dataset change (import stored) until its refits were published to watchers.",
            new HistogramConfiguration { Buckets = RefitBuckets });
        _testMse = factory.CreateGauge("obsscaling_fit_test_mse", "A fit's mean squared error on its held-out test models (transformed target scale).", "dataset", "fit");
        _trainMse = factory.CreateGauge("obsscaling_fit_train_mse", "A fit's mean squared error on its train models (transformed target scale).", "dataset", "fit");
        _coverage = factory.CreateGauge("obsscaling_fit_interval_coverage", "Share of a fit's test models inside their forecast interval (fits whose spec asks for intervals).", "dataset", "fit");
        _lastRefit = factory.CreateGauge("obsscaling_fit_last_refit_timestamp_seconds", "When the fit's law was last computed (its update time), Unix seconds.", "dataset", "fit");
        _fitRevision = factory.CreateGauge("obsscaling_fit_dataset_revision", "The dataset revision the fit's law stands on.", "dataset", "fit");
        _datasets = factory.CreateGauge("obsscaling_datasets", "Datasets stored.");
        _storeUp = factory.CreateGauge("obsscaling_store_up", "1 when the last scrape could read the store, else 0.");
        Registry.AddBeforeCollectCallback(() => ReadFits(store));
    }

    public CollectorRegistry Registry { get; }

    public Counter Calls { get; }

    public Histogram CallSeconds { get; }

    public Gauge Streams { get; }

    public Gauge Watchers { get; }

    public Counter Imports { get; }

    public Counter ModelsImported { get; }

    public Counter FitsCreated { get; }

    public Counter Refits { get; }

    public Counter RefitFailures { get; }

    public Histogram RefitSeconds { get; }

    public Histogram RefitDelaySeconds { get; }

    /// <summary>Sets the per-fit gauges from the stored fits and drops the series of fits that are gone.</summary>
    private void ReadFits(IDatasetStore store)
    {
        var seen = new HashSet<(string, string)>();
        try
        {
            var datasets = new List<V1.Dataset>();
            while (true)
            {
                var (page, total) = store.ListDatasets(datasets.Count, 200);
                datasets.AddRange(page);
                if (page.Count == 0 || datasets.Count >= total)
                {
                    break;
                }
            }

            foreach (var dataset in datasets)
            {
                var id = ResourceName.ParseDataset("name", dataset.Name);
                var offset = 0;
                while (true)
                {
                    var (fits, total) = store.ListFits(id, offset, 200);
                    foreach (var fit in fits)
                    {
                        var fitId = ResourceName.ParseFit("name", fit.Name).Fit;
                        seen.Add((id, fitId));
                        Set(id, fitId, fit);
                    }

                    offset += fits.Count;
                    if (fits.Count == 0 || offset >= total)
                    {
                        break;
                    }
                }
            }

            _datasets.Set(datasets.Count);
            _storeUp.Set(1);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A scrape must still answer when the store does not (the readiness check says why); keep the last values.
            _storeUp.Set(0);
            return;
        }

        foreach (var gauge in new[] { _testMse, _trainMse, _coverage, _lastRefit, _fitRevision })
        {
            foreach (var labels in gauge.GetAllLabelValues().ToArray())
            {
                if (!seen.Contains((labels[0], labels[1])))
                {
                    gauge.RemoveLabelled(labels);
                }
            }
        }
    }

    private void Set(string dataset, string fit, V1.Fit stored)
    {
        _testMse.WithLabels(dataset, fit).Set(stored.TestMse);
        _trainMse.WithLabels(dataset, fit).Set(stored.TrainMse);
        _fitRevision.WithLabels(dataset, fit).Set(stored.DatasetRevision);
        var computed = stored.UpdateTime ?? stored.CreateTime;
        if (computed is not null)
        {
            _lastRefit.WithLabels(dataset, fit).Set(computed.Seconds + (computed.Nanos / 1e9));
        }

        if (stored.HasCoverage)
        {
            _coverage.WithLabels(dataset, fit).Set(stored.Coverage);
        }
        else
        {
            _coverage.RemoveLabelled(dataset, fit);
        }
    }
}
