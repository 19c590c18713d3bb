using Google.Protobuf.WellKnownTypes;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Storage;
using ObsScaling.Server.Tests.Errors;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Stores;

/// <summary>
/// The storage contract (<see cref="IDatasetStore"/>, <see cref="ILedgerStore"/>), run against every provider by a
/// derived class: whole-or-nothing imports, revisions and etags, ALREADY_EXISTS / NOT_FOUND / ABORTED /
/// FAILED_PRECONDITION as the same exceptions, fits guarded by revision, forecasts and ledger entries in order,
/// request IDs idempotent, scores final, and no write lost or doubled under concurrent writers — and, where the
/// provider allows several processes on one database, the same across two replicas.
/// Each test uses names of its own: the database is shared by the class.
/// </summary>
public abstract class StoreContractTests(StoreProvider provider)
{
    private IDatasetStore Store => provider.Datasets;

    private ILedgerStore Ledger => provider.Ledger;

    [SkippableFact]
    public void Create_append_and_replace_count_revisions_and_change_the_etag_with_the_content()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var id = Name("ds");
        var zoo = Rpc.SmallZoo(seed: 1);
        var created = Store.Import(id, V1.ImportMode.Create, "First", Metrics(zoo), zoo.Models.Take(12).ToList());
        Assert.Equal((1L, 12, 12, 0), (created.Dataset.Revision, created.Dataset.ModelCount, created.Added, created.Replaced));
        Assert.Equal(ResourceName.Dataset(id), created.Dataset.Name);
        Assert.Equal(created.Dataset, Store.GetDataset(id));

        var appended = Store.Import(id, V1.ImportMode.Append, "", Metrics(zoo), zoo.Models.Skip(8).ToList());
        Assert.Equal((2L, 20, 8, 4), (appended.Dataset.Revision, appended.Dataset.ModelCount, appended.Added, appended.Replaced));
        Assert.Equal("First", appended.Dataset.DisplayName);
        Assert.NotEqual(created.Dataset.Etag, appended.Dataset.Etag);
        Assert.Equal(created.Dataset.CreateTime, appended.Dataset.CreateTime);

        // The same content again is a new revision with the same etag: the etag is the content's.
        var again = Store.Import(id, V1.ImportMode.Append, "", Metrics(zoo), zoo.Models.Take(3).ToList());
        Assert.Equal(3L, again.Dataset.Revision);
        Assert.Equal(appended.Dataset.Etag, again.Dataset.Etag);

        var replaced = Store.Import(id, V1.ImportMode.Replace, "Second", Metrics(zoo), zoo.Models.Take(5).ToList());
        Assert.Equal((4L, 5, "Second"), (replaced.Dataset.Revision, replaced.Dataset.ModelCount, replaced.Dataset.DisplayName));
        var (loaded, models) = Store.LoadDataset(id);
        Assert.Equal(replaced.Dataset, loaded);
        Assert.Equal(zoo.Models.Take(5).Select(m => m.Name), models.Models.Select(m => m.Name));
        Assert.Equal(zoo.Models.Take(5), models.Models);
    }

    [SkippableFact]
    public void Create_of_an_existing_name_and_append_to_a_missing_one_are_refused_and_store_nothing()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var id = Name("ds");
        var zoo = Rpc.SmallZoo(seed: 2);
        var created = Store.Import(id, V1.ImportMode.Create, "", Metrics(zoo), zoo.Models.Take(4).ToList());
        var exists = Assert.Throws<ResourceExistsException>(() => Store.Import(id, V1.ImportMode.Create, "", Metrics(zoo), zoo.Models.Skip(4).ToList()));
        Assert.Equal(ResourceName.Dataset(id), exists.ResourceName);
        Assert.Equal(created.Dataset, Store.GetDataset(id));

        var missing = Name("missing");
        Assert.Throws<ResourceNotFoundException>(() => Store.Import(missing, V1.ImportMode.Append, "", Metrics(zoo), zoo.Models.ToList()));
        Assert.Null(Store.GetDataset(missing));
        Assert.Throws<ResourceNotFoundException>(() => Store.ListModels(missing, 0, 10));
        Assert.Throws<ResourceNotFoundException>(() => Store.LoadDataset(missing));
    }

    [SkippableFact]
    public void An_import_refused_by_validation_stores_nothing()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var id = Name("ds");
        var zoo = Rpc.SmallZoo(seed: 3);
        var created = Store.Import(id, V1.ImportMode.Create, "", Metrics(zoo), zoo.Models.Take(6).ToList());

        // A metric whose range is empty fails the merged set's validation, after the models were read.
        List<MetricInfo> bad = [.. Metrics(zoo), new MetricInfo("broken", Min: 1, Max: 0)];
        Assert.Throws<ObsValidationException>(() => Store.Import(id, V1.ImportMode.Append, "Renamed", bad, zoo.Models.Skip(6).ToList()));
        Assert.Throws<ObsValidationException>(() => Store.Import(Name("new"), V1.ImportMode.Create, "", bad, zoo.Models.ToList()));
        Assert.Equal(created.Dataset, Store.GetDataset(id));
        Assert.Equal(6, Store.ListModels(id, 0, 100).Page.Count);
    }

    [SkippableFact]
    public void Delete_is_guarded_by_the_etag_and_by_force_and_takes_fits_and_forecasts_with_it()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var id = Name("ds");
        var zoo = Rpc.SmallZoo(seed: 4);
        var ds = Store.Import(id, V1.ImportMode.Create, "", Metrics(zoo), zoo.Models.ToList()).Dataset;
        Assert.True(Store.PutFit(id, "f1", Fit(id, "f1"), replace: false));
        Store.AddForecasts(id, "f1", [Forecast(id, "f1", "a")]);

        Assert.Throws<ConflictException>(() => Store.DeleteDataset(id, force: true, etag: "stale"));
        var pre = Assert.Throws<ObsPreconditionException>(() => Store.DeleteDataset(id, force: false, etag: ds.Etag));
        Assert.Equal("force", pre.Violations.Single().Field);
        Assert.NotNull(Store.GetDataset(id));

        Store.DeleteDataset(id, force: true, etag: ds.Etag);
        Assert.Null(Store.GetDataset(id));
        Assert.Null(Store.GetFit(id, "f1"));
        Assert.Throws<ResourceNotFoundException>(() => Store.ListFits(id, 0, 10));
        Assert.Throws<ResourceNotFoundException>(() => Store.ListForecasts(id, "f1", 0, 10));
        Assert.Throws<ResourceNotFoundException>(() => Store.DeleteDataset(id, force: true, etag: null));

        // Created again under the name: revision 1, none of the old models, fits or forecasts.
        var again = Store.Import(id, V1.ImportMode.Create, "", Metrics(zoo), zoo.Models.Take(2).ToList()).Dataset;
        Assert.Equal((1L, 2), (again.Revision, again.ModelCount));
        Assert.Equal(2, Store.LoadDataset(id).Models.Count);
        Assert.Equal(0, Store.ListFits(id, 0, 10).Total);
    }

    [SkippableFact]
    public void Fits_are_created_once_replaced_on_request_and_refits_only_land_on_the_revision_they_used()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var id = Name("ds");
        var zoo = Rpc.SmallZoo(seed: 5);
        Assert.Throws<ResourceNotFoundException>(() => Store.PutFit(id, "f", Fit(id, "f"), replace: false));
        var rev = Store.Import(id, V1.ImportMode.Create, "", Metrics(zoo), zoo.Models.ToList()).Dataset.Revision;

        Assert.True(Store.PutFit(id, "b", Fit(id, "b", mse: 1, at: 2), replace: false));
        Assert.True(Store.PutFit(id, "a", Fit(id, "a", mse: 2, at: 1), replace: false));
        var exists = Assert.Throws<ResourceExistsException>(() => Store.PutFit(id, "a", Fit(id, "a", mse: 3), replace: false));
        Assert.Equal(ResourceName.Fit(id, "a"), exists.ResourceName);
        Assert.Equal(2, Store.GetFit(id, "a")!.TrainMse);
        Assert.True(Store.PutFit(id, "a", Fit(id, "a", mse: 4, at: 1), replace: true));
        Assert.Equal(4, Store.GetFit(id, "a")!.TrainMse);

        // Listed by creation time, then ID.
        var (page, total) = Store.ListFits(id, 0, 10);
        Assert.Equal(2, total);
        Assert.Equal(["a", "b"], page.Select(f => ResourceName.EntryId(f.Name)));
        Assert.Equal(["b"], Store.ListFits(id, 1, 10).Page.Select(f => ResourceName.EntryId(f.Name)));

        // A refit computed on an older revision is dropped; one on the current revision lands.
        Store.Import(id, V1.ImportMode.Append, "", Metrics(zoo), zoo.Models.Take(1).ToList());
        Assert.False(Store.PutFit(id, "a", Fit(id, "a", mse: 5), replace: true, expectedRevision: rev));
        Assert.Equal(4, Store.GetFit(id, "a")!.TrainMse);
        Assert.True(Store.PutFit(id, "a", Fit(id, "a", mse: 6), replace: true, expectedRevision: rev + 1));
        Assert.Equal(6, Store.GetFit(id, "a")!.TrainMse);

        // A fit deleted while it was being refitted stays deleted.
        Store.DeleteFit(id, "b");
        Assert.False(Store.PutFit(id, "b", Fit(id, "b"), replace: true, expectedRevision: rev + 1));
        Assert.Null(Store.GetFit(id, "b"));
        Assert.Throws<ResourceNotFoundException>(() => Store.DeleteFit(id, "b"));
    }

    [SkippableFact]
    public void Forecasts_are_listed_in_recording_order_across_batches_and_need_their_fit()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var id = Name("ds");
        var zoo = Rpc.SmallZoo(seed: 6);
        Store.Import(id, V1.ImportMode.Create, "", Metrics(zoo), zoo.Models.ToList());
        Store.PutFit(id, "f", Fit(id, "f"), replace: false);
        Store.AddForecasts(id, "f", []);
        Store.AddForecasts(id, "f", [Forecast(id, "f", "z"), Forecast(id, "f", "b")]);
        Store.AddForecasts(id, "f", [Forecast(id, "f", "m"), Forecast(id, "f", "a"), Forecast(id, "f", "y")]);
        var (all, total) = Store.ListForecasts(id, "f", 0, 100);
        Assert.Equal(5, total);
        Assert.Equal(["z", "b", "m", "a", "y"], all.Select(f => ResourceName.EntryId(f.Name)));
        Assert.Equal(["m", "a"], Store.ListForecasts(id, "f", 2, 2).Page.Select(f => ResourceName.EntryId(f.Name)));

        Assert.Throws<ResourceNotFoundException>(() => Store.AddForecasts(id, "nofit", [Forecast(id, "nofit", "x")]));
        Store.DeleteFit(id, "f");
        Assert.Throws<ResourceNotFoundException>(() => Store.AddForecasts(id, "f", [Forecast(id, "f", "x")]));
        Assert.Throws<ResourceNotFoundException>(() => Store.ListForecasts(id, "f", 0, 10));
    }

    [SkippableFact]
    public void Datasets_and_models_page_in_a_stable_order_with_their_totals()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var prefix = Name("page");
        var zoo = Rpc.SmallZoo(seed: 7);

        // Upper case, digits and hyphens: the order is the names' ordinal (byte) order on every provider.
        string[] ids = [prefix + "-b", prefix + "-a", prefix + "-B", prefix + "-10", prefix + "-9"];
        foreach (var id in ids)
        {
            Store.Import(id, V1.ImportMode.Create, "", Metrics(zoo), zoo.Models.Take(3).ToList());
        }

        var (everything, total) = Store.ListDatasets(0, 100_000);
        Assert.Equal(everything.Count, total);
        var ours = everything.Select(d => d.Name).Where(n => n.StartsWith(ResourceName.Dataset(prefix), StringComparison.Ordinal)).ToList();
        Assert.Equal(ids.Select(ResourceName.Dataset).Order(StringComparer.Ordinal), ours);
        Assert.Equal(everything.Select(d => d.Name).Order(StringComparer.Ordinal), everything.Select(d => d.Name));
        var paged = Enumerable.Range(0, (total + 2) / 3).SelectMany(p => Store.ListDatasets(p * 3, 3).Page).Select(d => d.Name);
        Assert.Equal(everything.Select(d => d.Name), paged);

        var big = Name("models");
        Store.Import(big, V1.ImportMode.Create, "", Metrics(zoo), zoo.Models.ToList());
        var (models, count) = Store.ListModels(big, 5, 7);
        Assert.Equal(zoo.Count, count);
        Assert.Equal(zoo.Models.Skip(5).Take(7).Select(m => m.Name), models.Select(m => m.Name));
    }

    [SkippableFact]
    public void Concurrent_appends_lose_no_write_and_concurrent_creates_of_one_name_admit_one()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var id = Name("ds");
        var zoo = Rpc.SmallZoo(seed: 8, families: 8, perFamily: 5);
        Store.Import(id, V1.ImportMode.Create, "", Metrics(zoo), []);
        var stores = Writers();
        Parallel.For(0, zoo.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            stores[i % stores.Count].Import(id, V1.ImportMode.Append, "", Metrics(zoo), [zoo.Models[i]]));
        var (ds, models) = Store.LoadDataset(id);
        Assert.Equal((1L + zoo.Count, zoo.Count), (ds.Revision, models.Count));
        Assert.Equal(zoo.Models.Select(m => m.Name).Order(StringComparer.Ordinal), models.Models.Select(m => m.Name).Order(StringComparer.Ordinal));

        var contested = Name("contested");
        var outcomes = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8).Select(i =>
        {
            try
            {
                stores[i % stores.Count].Import(contested, V1.ImportMode.Create, "", Metrics(zoo), zoo.Models.Skip(i).Take(3).ToList());
                return "created";
            }
            catch (ResourceExistsException)
            {
                return "exists";
            }
        }).ToList();
        Assert.Equal(1, outcomes.Count(o => o == "created"));
        Assert.Equal((1L, 3), (Store.GetDataset(contested)!.Revision, Store.GetDataset(contested)!.ModelCount));
    }

    [SkippableFact]
    public void Ledger_entries_append_in_order_and_a_repeated_request_id_stores_nothing()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var ledger = Name("ledger");
        Assert.False(Ledger.Exists(ledger));
        Assert.Equal(new LedgerAppend(1, 3, false), Ledger.Add(ledger, Entries(ledger, "a", "b", "c")));
        Assert.Equal(new LedgerAppend(4, 5, false), Ledger.Add(ledger, Entries(ledger, "d", "e"), "req-1", "sha-1"));
        Assert.Equal(new LedgerAppend(4, 5, true), Ledger.Add(ledger, Entries(ledger, "d", "e"), "req-1", "sha-1"));
        Assert.Throws<ResourceExistsException>(() => Ledger.Add(ledger, Entries(ledger, "x"), "req-1", "sha-other"));
        Assert.True(Ledger.Exists(ledger));

        Assert.Equal(["a", "b", "c", "d", "e"], Ledger.All(ledger).Select(e => ResourceName.EntryId(e.Name)));
        Assert.Equal(["b", "c", "d"], Ledger.Range(ledger, 2, 4).Select(e => ResourceName.EntryId(e.Name)));
        Assert.Equal(Entries(ledger, "c")[0].PredictedRaw, Ledger.Get(ledger, "c")!.PredictedRaw);
        Assert.Null(Ledger.Get(ledger, "nope"));
        Assert.Empty(Ledger.All(Name("other")));

        // Scored once: a second score of an entry is ignored, the first stays.
        Assert.Equal(new HashSet<string> { "b", "d" }, Ledger.Score(ledger, [("b", Score(0.1)), ("d", Score(0.2))]));
        Assert.Equal(new HashSet<string> { "a" }, Ledger.Score(ledger, [("b", Score(0.9)), ("a", Score(0.3))]));
        Assert.Equal(0.1, Ledger.Get(ledger, "b")!.Score.ObservedRaw);

        var (scored, last, more) = Ledger.Page(ledger, V1.PreregistrationState.Scored, 0, 2);
        Assert.Equal(["a", "b"], scored.Select(e => ResourceName.EntryId(e.Name)));
        Assert.True(more);
        Assert.Equal(2, last);
        var (rest, restLast, restMore) = Ledger.Page(ledger, V1.PreregistrationState.Scored, last, 2);
        Assert.Equal(["d"], rest.Select(e => ResourceName.EntryId(e.Name)));
        Assert.Equal((4L, false), (restLast, restMore));
        Assert.Equal(["c", "e"], Ledger.Page(ledger, V1.PreregistrationState.Unscored, 0, 10).Page.Select(e => ResourceName.EntryId(e.Name)));
        Assert.Equal(5, Ledger.Tally(ledger, V1.PreregistrationState.Unspecified).Entries);
        Assert.Equal(3, Ledger.Tally(ledger, V1.PreregistrationState.Scored).Scores.Count);
        Assert.Equal(2, Ledger.Tally(ledger, V1.PreregistrationState.Unscored).Entries);
    }

    [SkippableFact]
    public void Concurrent_ledger_appends_get_gapless_seqs_in_their_own_order()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var ledger = Name("ledger");
        var ledgers = Writers().Count == 1 ? [Ledger] : new[] { Ledger, provider.Replica!.Value.Ledger };
        var ranges = Enumerable.Range(0, 24).AsParallel().WithDegreeOfParallelism(8).Select(i =>
        {
            var ids = new[] { $"e{i}-0", $"e{i}-1", $"e{i}-2" };
            return (ids, ledgers[i % ledgers.Length].Add(ledger, Entries(ledger, ids), $"r{i}", $"h{i}"));
        }).ToList();
        var all = Ledger.All(ledger).Select(e => ResourceName.EntryId(e.Name)).ToList();
        Assert.Equal(72, all.Count);
        foreach (var (ids, range) in ranges)
        {
            Assert.Equal(ids, all.Skip((int)range.FirstSeq - 1).Take(3));
            Assert.Equal(range.FirstSeq + 2, range.LastSeq);
        }
    }

    [SkippableFact]
    public void A_second_replica_sees_every_change_at_once_even_with_the_dataset_in_its_cache()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        Skip.If(provider.Replica is null, "this provider allows one process per database");
        var other = provider.Replica!.Value;
        var id = Name("ds");
        var zoo = Rpc.SmallZoo(seed: 9);
        Store.Import(id, V1.ImportMode.Create, "", Metrics(zoo), zoo.Models.Take(10).ToList());
        Assert.Equal(10, other.Datasets.LoadDataset(id).Models.Count);

        other.Datasets.Import(id, V1.ImportMode.Append, "", Metrics(zoo), zoo.Models.Skip(10).ToList());
        Assert.Equal(zoo.Count, Store.LoadDataset(id).Models.Count);

        Store.DeleteDataset(id, force: true, etag: null);
        Assert.Throws<ResourceNotFoundException>(() => other.Datasets.LoadDataset(id));
        other.Datasets.Import(id, V1.ImportMode.Create, "", Metrics(zoo), zoo.Models.Take(2).ToList());
        Assert.Equal(2, Store.LoadDataset(id).Models.Count);

        var ledger = Name("ledger");
        Ledger.Add(ledger, Entries(ledger, "a"), "req", "sha");
        Assert.Equal(new LedgerAppend(1, 1, true), other.Ledger.Add(ledger, Entries(ledger, "a"), "req", "sha"));
        Assert.Equal(new HashSet<string> { "a" }, other.Ledger.Score(ledger, [("a", Score(0.5))]));
        Assert.Empty(Ledger.Score(ledger, [("a", Score(0.6))]));
    }

    /// <summary>A name no other test of the class uses.</summary>
    protected static string Name(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..12]}";

    private List<IDatasetStore> Writers() => provider.Replica is { } r ? [Store, r.Datasets] : [Store];

    private static List<MetricInfo> Metrics(ModelSet zoo) => zoo.OrderedMetrics().ToList();

    private static V1.Fit Fit(string dataset, string fit, double mse = 1, int at = 0) => new()
    {
        Name = ResourceName.Fit(dataset, fit),
        CreateTime = Timestamp.FromDateTime(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(at)),
        TrainMse = mse,
    };

    private static V1.RecordedForecast Forecast(string dataset, string fit, string id) => new()
    {
        Name = $"{ResourceName.Fit(dataset, fit)}/forecasts/{id}",
        DatasetEtag = "etag-" + id,
        CreateTime = Timestamp.FromDateTime(DateTime.UtcNow),
    };

    private static List<V1.Preregistration> Entries(string ledger, params string[] ids) => ids.Select(id => new V1.Preregistration
    {
        Name = ResourceName.LedgerEntry(ledger, id),
        CreateTime = Timestamp.FromDateTime(DateTime.UtcNow),
        Fit = "datasets/d/fits/f",
        Target = "downstream",
        DataHash = "hash",
        PredictedRaw = 0.25 + (id.Length / 1000.0) + (id[0] / 100_000.0),
        Input = new V1.PreregistrationInput { Model = "model-" + id },
    }).ToList();

    private static V1.PreregistrationScore Score(double observed) => new() { ObservedRaw = observed, ScoreTime = Timestamp.FromDateTime(DateTime.UtcNow) };
}
