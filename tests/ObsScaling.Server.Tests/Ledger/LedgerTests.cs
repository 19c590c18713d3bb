using Google.Protobuf;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using ObsScaling.Core.Ledger;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Ledger;

/// <summary>Recording, scoring and listing preregistrations through the real service over a real SQLite file.</summary>
public class LedgerTests
{
    [Fact]
    public async Task Entries_carry_the_fits_forecast_and_are_scored_once_against_the_observed_values()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var setup = new LedgerSetup();
        var fit = await setup.PrepareAsync(server.Client);
        var names = setup.UpcomingModels.Select(m => m.Name).ToList();

        var request = LedgerSetup.FromUpcoming("prereg", names);
        request.Inputs.Add(new V1.PreregistrationInput { Model = "by-coordinates", Coordinates = { 0.5, -0.2, 0.1 } });
        request.Note = "before evaluation";
        var response = (await server.Client.CreatePreregistrationsAsync(request)).Entries;

        // Given inputs come first, then the named models, each in request order.
        Assert.Equal(names.Prepend("by-coordinates"), response.Select(e => e.Input.Model));
        var created = response.Skip(1).Append(response[0]).ToList();

        // Each entry is exactly what the Forecast RPC answers for the same model, with a copy of the law.
        var forecasts = await ForecastAsync(server.Client, fit.Name, setup.UpcomingWithoutTarget.Models.Select(m => new V1.ForecastInput
        {
            Model = m.Name,
            Scores = new V1.MetricScores { Values = { m.Scores.Where(kv => kv.Key.StartsWith("bench-", StringComparison.Ordinal)).ToDictionary() } },
        }));
        for (var i = 0; i < names.Count; i++)
        {
            var e = created[i];
            Assert.Equal(forecasts[i].PredictedRaw, e.PredictedRaw);
            Assert.Equal(forecasts[i].LowerRaw, e.LowerRaw);
            Assert.Equal(forecasts[i].UpperRaw, e.UpperRaw);
            Assert.Equal(forecasts[i].Predictors, e.Predictors);
            Assert.Equal(0.9, e.Level);
            Assert.Equal(fit.Law, e.Law);
            Assert.Equal(fit.DatasetEtag, e.DatasetEtag);
            Assert.Equal(V1.IntervalMethod.Parametric, e.IntervalMethod);
            Assert.Matches("^[0-9a-f]{64}$", e.DataHash);
            Assert.Equal(fit.Predictions.Count(p => p.InTrain), e.DataRows);
            Assert.False(e.AlreadyObserved);
            Assert.Null(e.Score);
            Assert.Equal("before evaluation", e.Note);
            Assert.StartsWith("ledgers/prereg/entries/p-", e.Name, StringComparison.Ordinal);
        }

        // Before the scores arrive nothing can be scored.
        var early = await server.Client.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest { Parent = "ledgers/prereg", Dataset = "datasets/" + LedgerSetup.Upcoming });
        Assert.Empty(early.Scored);
        Assert.Equal(6, early.Unobserved.Count);

        await Uploads.ImportAsync(server.Client, LedgerSetup.Upcoming, setup.UpcomingWithTarget, V1.ImportMode.Append);
        var scored = await server.Client.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest { Parent = "ledgers/prereg", Dataset = "datasets/" + LedgerSetup.Upcoming });
        Assert.Equal(5, scored.Scored.Count);
        Assert.Equal([created[5].Name], scored.Unobserved);
        var inside = 0;
        foreach (var e in scored.Scored)
        {
            var observed = setup.UpcomingModels.Single(m => m.Name == e.Input.Model).Score("downstream");
            Assert.Equal(observed, e.Score.ObservedRaw);
            Assert.Equal(e.PredictedRaw - observed, e.Score.ErrorRaw, 15);
            Assert.Equal(Math.Abs(e.PredictedRaw - observed), e.Score.AbsoluteErrorRaw, 15);
            Assert.Equal(observed >= e.LowerRaw && observed <= e.UpperRaw, e.Score.Inside);
            Assert.StartsWith("datasets/upcoming@", e.Score.Source, StringComparison.Ordinal);
            inside += e.Score.Inside ? 1 : 0;
        }

        Assert.Equal(6, scored.Summary.Entries);
        Assert.Equal(5, scored.Summary.Scored);
        Assert.Equal(inside, scored.Summary.Inside);
        Assert.Equal(inside / 5.0, scored.Summary.Coverage, 15);
        Assert.Equal(scored.Scored.Average(e => e.Score.AbsoluteErrorRaw), scored.Summary.MeanAbsoluteError, 12);

        // The first score is final: scoring again with other values leaves it as it was.
        var again = await server.Client.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest
        {
            Parent = "ledgers/prereg",
            Observed = { names.Select(n => new V1.ObservedValue { Model = n, Value = 0.123 }) },
        });
        Assert.Empty(again.Scored);
        Assert.Equal(scored.Scored.Select(e => e.Score), again.AlreadyScored.Select(e => e.Score));

        // The coordinate entry is scored by an explicit value; its metric must match the entry's target.
        var wrongMetric = await server.Client.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest { Parent = "prereg", Observed = { new V1.ObservedValue { Model = "by-coordinates", Metric = "bench-1", Value = 0.5 } } });
        Assert.Empty(wrongMetric.Scored);
        var explicitScore = await server.Client.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest
        {
            Parent = "prereg",
            Observed = { new V1.ObservedValue { Model = "by-coordinates", Metric = "downstream", Value = 0.5 } },
            Entries = { created[5].Name },
        });
        Assert.Equal("explicit", explicitScore.Scored.Single().Score.Source);
        Assert.Equal(created[5].PredictedRaw - 0.5, explicitScore.Scored.Single().Score.ErrorRaw, 15);

        // Listing: filters and pages.
        var scoredOnly = await server.Client.ListPreregistrationsAsync(new V1.ListPreregistrationsRequest { Parent = "ledgers/prereg", State = V1.PreregistrationState.Scored });
        Assert.Equal(6, scoredOnly.TotalSize);
        var unscored = await server.Client.ListPreregistrationsAsync(new V1.ListPreregistrationsRequest { Parent = "ledgers/prereg", State = V1.PreregistrationState.Unscored });
        Assert.Equal(0, unscored.TotalSize);
        var pages = new List<V1.Preregistration>();
        var token = "";
        do
        {
            var page = await server.Client.ListPreregistrationsAsync(new V1.ListPreregistrationsRequest { Parent = "ledgers/prereg", PageSize = 4, PageToken = token });
            pages.AddRange(page.Entries);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        Assert.Equal(response.Select(e => e.Name), pages.Select(e => e.Name));
        Assert.Equal(created[0].Name, (await server.Client.GetPreregistrationAsync(new V1.GetPreregistrationRequest { Name = created[0].Name })).Name);
    }

    [Fact]
    public async Task Entries_and_scores_cannot_be_changed_even_through_sql_and_recording_again_adds_an_entry()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var setup = new LedgerSetup();
        await setup.PrepareAsync(server.Client);
        var model = setup.UpcomingModels[0].Name;
        var first = (await server.Client.CreatePreregistrationsAsync(LedgerSetup.FromUpcoming("prereg", [model]))).Entries.Single();
        await server.Client.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest { Parent = "ledgers/prereg", Observed = { new V1.ObservedValue { Model = model, Value = 0.4 } } });

        var id = first.Name[(first.Name.LastIndexOf('/') + 1)..];
        byte[] Body()
        {
            using var c = new SqliteConnection($"Data Source={server.DatabasePath}");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT body FROM preregistrations WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", id);
            return (byte[])cmd.ExecuteScalar()!;
        }

        var before = Body();
        string Refused(string sql)
        {
            using var c = new SqliteConnection($"Data Source={server.DatabasePath}");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.Parameters.AddWithValue("$id", id);
            return Assert.Throws<SqliteException>(() => cmd.ExecuteNonQuery()).Message;
        }

        Assert.Contains("immutable", Refused("UPDATE preregistrations SET predicted_raw = 0.99 WHERE id = $id"), StringComparison.Ordinal);
        Assert.Contains("immutable", Refused("UPDATE preregistrations SET body = x'00' WHERE id = $id"), StringComparison.Ordinal);
        Assert.Contains("immutable", Refused("DELETE FROM preregistrations WHERE id = $id"), StringComparison.Ordinal);
        Assert.Contains("immutable", Refused("INSERT OR REPLACE INTO preregistrations SELECT ledger_id, id, seq, create_time, fit, model, target, data_hash, 0.99, body FROM preregistrations WHERE id = $id"), StringComparison.Ordinal);
        Assert.Contains("final", Refused("UPDATE preregistration_scores SET observed_raw = 0.9 WHERE entry_id = $id"), StringComparison.Ordinal);
        Assert.Contains("final", Refused("DELETE FROM preregistration_scores WHERE entry_id = $id"), StringComparison.Ordinal);
        Assert.Contains("final", Refused("INSERT OR REPLACE INTO preregistration_scores SELECT ledger_id, entry_id, score_time, 0.9, body FROM preregistration_scores WHERE entry_id = $id"), StringComparison.Ordinal);
        Assert.Equal(before, Body());

        // Recording the same model again (after a refit with other data) adds an entry and leaves the first as it was.
        await Uploads.ImportAsync(server.Client, LedgerSetup.Known, setup.KnownModels.Where(m => m.Name != setup.KnownModels[0].Name), V1.ImportMode.Replace);
        await server.Client.DeleteFitAsync(new V1.DeleteFitRequest { Name = LedgerSetup.FitName });
        await Uploads.FitAsync(server.Client, LedgerSetup.Known, setup.Spec(), LedgerSetup.FitId);
        var second = (await server.Client.CreatePreregistrationsAsync(LedgerSetup.FromUpcoming("prereg", [model]))).Entries.Single();
        Assert.NotEqual(first.Name, second.Name);
        Assert.NotEqual(first.DataHash, second.DataHash);
        Assert.Equal(before, Body());
        var stored = await server.Client.GetPreregistrationAsync(new V1.GetPreregistrationRequest { Name = first.Name });
        Assert.Equal(0.4, stored.Score.ObservedRaw);
        stored.Score = null;
        Assert.Equal(first, stored);

        // Deleting the dataset (and its fits) leaves the ledger intact: entries stand on their own.
        await server.Client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "datasets/" + LedgerSetup.Known, Force = true });
        var list = await server.Client.ListPreregistrationsAsync(new V1.ListPreregistrationsRequest { Parent = "ledgers/prereg" });
        Assert.Equal([first.Name, second.Name], list.Entries.Select(e => e.Name));
    }

    [Fact]
    public async Task The_data_hash_ignores_row_order_and_changes_with_any_fitted_value_or_the_spec()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var setup = new LedgerSetup();
        var known = setup.KnownModels;
        var reversed = new Core.Domain.ModelSet(known.Models.Reverse(), known.OrderedMetrics());
        var fitted = await setup.PrepareAsync(server.Client);
        var trainModel = fitted.Predictions.First(p => p.InTrain).Model;
        var changed = new Core.Domain.ModelSet(known.Models.Select(m => m.Name == trainModel ? m with { Scores = m.Scores.SetItem("bench-3", m.Score("bench-3") + 1e-9) } : m), known.OrderedMetrics());
        var testModel = fitted.Predictions.First(p => !p.InTrain).Model;
        var changedTest = new Core.Domain.ModelSet(known.Models.Select(m => m.Name == testModel ? m with { Scores = m.Scores.SetItem("bench-3", m.Score("bench-3") + 0.01) } : m), known.OrderedMetrics());

        async Task<(string Hash, string Etag)> HashOf(string dataset, Core.Domain.ModelSet models, V1.FitSpec spec)
        {
            await Uploads.ImportAsync(server.Client, dataset, models);
            var fit = await Uploads.FitAsync(server.Client, dataset, spec, "law");
            var e = (await server.Client.CreatePreregistrationsAsync(new V1.CreatePreregistrationsRequest
            {
                Parent = "ledgers/hashes",
                Fit = fit.Name,
                SourceDataset = "datasets/" + LedgerSetup.Upcoming,
                Models = { setup.UpcomingModels[0].Name },
            })).Entries.Single();
            return (e.DataHash, fit.DatasetEtag);
        }

        var original = await HashOf("original", known, setup.Spec());
        var reorder = await HashOf("reversed", reversed, setup.Spec());
        var oneValue = await HashOf("changed", changed, setup.Spec());
        var testValue = await HashOf("changed-test", changedTest, setup.Spec());
        var otherSpec = setup.Spec();
        otherSpec.FloorMax = 0.1;
        var spec = await HashOf("other-spec", known, otherSpec);

        Assert.NotEqual(original.Etag, reorder.Etag);
        Assert.Equal(original.Hash, reorder.Hash);
        Assert.NotEqual(original.Hash, oneValue.Hash);
        Assert.NotEqual(original.Hash, spec.Hash);

        // A held-out model is not data the law was fitted on.
        Assert.Equal(original.Hash, testValue.Hash);

        // The hash is the documented canonical encoding of the train rows, recomputed here from the fit.
        var train = fitted.Predictions.Where(p => p.InTrain).Select(p => p.Model).ToHashSet();
        var expected = FitDataHash.Compute(known.Models.Where(m => train.Contains(m.Name)), ["downstream", .. setup.Zoo.BenchmarkNames], JsonFormatter.Default.Format(fitted.Spec));
        Assert.Equal(expected, original.Hash);
    }

    [Fact]
    public async Task A_model_whose_value_is_already_known_is_recorded_but_flagged()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var setup = new LedgerSetup();
        await setup.PrepareAsync(server.Client);
        var known = setup.KnownModels[3];
        var e = (await server.Client.CreatePreregistrationsAsync(new V1.CreatePreregistrationsRequest
        {
            Parent = "ledgers/late",
            Fit = LedgerSetup.FitName,
            SourceDataset = "datasets/" + LedgerSetup.Known,
            Models = { known.Name },
        })).Entries.Single();
        Assert.True(e.AlreadyObserved);
        Assert.Equal(known.Score("downstream"), e.AlreadyObservedRaw);
    }

    [Fact]
    public async Task Bad_requests_name_the_field_and_the_value()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var setup = new LedgerSetup();
        await setup.PrepareAsync(server.Client);
        await Uploads.FitAsync(server.Client, LedgerSetup.Known, setup.Spec(intervals: false), "no-intervals");
        var c = server.Client;
        var model = setup.UpcomingModels[0].Name;

        V1.CreatePreregistrationsRequest Req(Action<V1.CreatePreregistrationsRequest> edit)
        {
            var r = LedgerSetup.FromUpcoming("bad", [model]);
            edit(r);
            return r;
        }

        await Rpc.NotFoundAsync(() => c.CreatePreregistrationsAsync(Req(r => r.Fit = "datasets/zoo/fits/nope")).ResponseAsync, "Fit", "datasets/zoo/fits/nope");
        await Rpc.InvalidAsync(() => c.CreatePreregistrationsAsync(Req(r => r.Fit = "zoo/law")).ResponseAsync, "fit", "zoo/law");
        await Rpc.InvalidAsync(() => c.CreatePreregistrationsAsync(Req(r => r.Parent = "Ledgers/Bad")).ResponseAsync, "parent", "Ledgers/Bad");
        await Rpc.InvalidAsync(() => c.CreatePreregistrationsAsync(Req(r => r.Level = 1.5)).ResponseAsync, "level", "1.5");
        await Rpc.InvalidAsync(() => c.CreatePreregistrationsAsync(Req(r => r.Level = 0)).ResponseAsync, "level", "0");
        await Rpc.InvalidAsync(() => c.CreatePreregistrationsAsync(Req(r => r.Level = double.NaN)).ResponseAsync, "level", "NaN");
        var noIntervals = await Rpc.InvalidAsync(() => c.CreatePreregistrationsAsync(Req(r => { r.Fit = "datasets/zoo/fits/no-intervals"; r.Level = 0.8; })).ResponseAsync, "level", "0.8");
        Assert.Contains("no forecast intervals", noIntervals, StringComparison.Ordinal);
        await Rpc.InvalidAsync(() => c.CreatePreregistrationsAsync(Req(r => r.Models.Clear())).ResponseAsync, "inputs", "");
        await Rpc.InvalidAsync(() => c.CreatePreregistrationsAsync(Req(r => r.SourceDataset = "")).ResponseAsync, "source_dataset", "");
        await Rpc.InvalidAsync(() => c.CreatePreregistrationsAsync(Req(r => r.Models[0] = "who/is-this")).ResponseAsync, "models[0]", "who/is-this");
        await Rpc.NotFoundAsync(() => c.CreatePreregistrationsAsync(Req(r => r.SourceDataset = "datasets/missing")).ResponseAsync, "Dataset", "datasets/missing");
        await Rpc.InvalidAsync(() => c.CreatePreregistrationsAsync(Req(r => { r.Models.Clear(); r.Inputs.Add(new V1.PreregistrationInput { Model = "x", FlopsE21 = 3, Coordinates = { 1, 2, 3 } }); })).ResponseAsync, "inputs[0]", "x");
        await Rpc.InvalidAsync(() => c.CreatePreregistrationsAsync(Req(r => { r.Models.Clear(); r.Inputs.Add(new V1.PreregistrationInput { Model = "x", Scores = { ["nope"] = 0.3 } }); })).ResponseAsync, "inputs[0].scores[nope]", "nope");
        await Rpc.InvalidAsync(() => c.CreatePreregistrationsAsync(Req(r => { r.Models.Clear(); r.Inputs.Add(new V1.PreregistrationInput { Model = "x", Coordinates = { 1 } }); })).ResponseAsync, "inputs[0].coordinates", "1");

        // Nothing was recorded by the failed calls.
        await Rpc.NotFoundAsync(() => c.ListPreregistrationsAsync(new V1.ListPreregistrationsRequest { Parent = "ledgers/bad" }).ResponseAsync, "Ledger", "ledgers/bad");

        await c.CreatePreregistrationsAsync(Req(_ => { }));
        await Rpc.InvalidAsync(() => c.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest { Parent = "ledgers/bad" }).ResponseAsync, "dataset", "");
        await Rpc.InvalidAsync(() => c.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest { Parent = "ledgers/bad", Dataset = "upcoming", Observed = { new V1.ObservedValue { Model = model, Value = 1 } } }).ResponseAsync, "observed", "1 value(s)");
        await Rpc.InvalidAsync(() => c.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest { Parent = "ledgers/bad", Observed = { new V1.ObservedValue { Model = model, Value = double.PositiveInfinity } } }).ResponseAsync, "observed[0].value", double.PositiveInfinity.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        await Rpc.InvalidAsync(() => c.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest { Parent = "ledgers/bad", Dataset = "upcoming", Entries = { "p-000000000000" } }).ResponseAsync, "entries[0]", "p-000000000000");
        await Rpc.NotFoundAsync(() => c.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest { Parent = "ledgers/other", Dataset = "upcoming" }).ResponseAsync, "Ledger", "ledgers/other");
        await Rpc.InvalidAsync(() => c.GetPreregistrationAsync(new V1.GetPreregistrationRequest { Name = "ledgers/bad/p-1" }).ResponseAsync, "name", "ledgers/bad/p-1");
        await Rpc.NotFoundAsync(() => c.GetPreregistrationAsync(new V1.GetPreregistrationRequest { Name = "ledgers/bad/entries/p-1" }).ResponseAsync, "Preregistration", "ledgers/bad/entries/p-1");
    }

    [Fact]
    public async Task A_fit_whose_dataset_changed_since_cannot_record_forecasts()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var setup = new LedgerSetup();
        await setup.PrepareAsync(server.Client);

        // Three models cannot support the law, so the automatic refit fails and the stored fit stays on the old data.
        await Uploads.ImportAsync(server.Client, LedgerSetup.Known, new Core.Domain.ModelSet(setup.KnownModels.Models.Take(3), setup.KnownModels.OrderedMetrics()), V1.ImportMode.Replace);
        var description = await Rpc.PreconditionAsync(() => server.Client.CreatePreregistrationsAsync(LedgerSetup.FromUpcoming("stale", [setup.UpcomingModels[0].Name])).ResponseAsync, "fit", LedgerSetup.FitName);
        Assert.Contains("refit", description, StringComparison.Ordinal);
    }

    internal static async Task<List<V1.ForecastResult>> ForecastAsync(V1.ObsScaling.ObsScalingClient client, string fit, IEnumerable<V1.ForecastInput> inputs)
    {
        using var call = client.Forecast();
        await call.RequestStream.WriteAsync(new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit } });
        foreach (var input in inputs)
        {
            await call.RequestStream.WriteAsync(new V1.ForecastRequest { Input = input });
        }

        await call.RequestStream.CompleteAsync();
        return await call.ResponseStream.ReadAllAsync().Select(r => r.Result).ToListAsync();
    }
}
