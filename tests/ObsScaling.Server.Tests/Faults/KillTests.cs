using System.Diagnostics;
using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Synthetic;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// The server process killed (SIGKILL) at seeded random moments during imports, replacements and fits, dozens of
/// times over one SQLite file: after every restart the database opens, everything the client saw acknowledged is
/// exactly as acknowledged, and what was cut off is absent or complete — never partial.
/// </summary>
public class KillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killed_at_random_points_during_imports_and_fits_every_acknowledged_write_survives_and_nothing_partial_appears()
    {
        var kills = FaultScale.Cases(5, 40);
        var random = new Random(FaultScale.Seed);
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "obs-kill-" + Guid.NewGuid().ToString("N")[..10])).FullName;
        var db = Path.Combine(dir, "obs.db");
        var datasets = new Dictionary<string, V1.Dataset>(StringComparer.Ordinal); // as acknowledged (or found whole later)
        var fits = new Dictionary<string, V1.Fit>(StringComparer.Ordinal);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = Stopwatch.StartNew();
        Func<V1.ObsScaling.ObsScalingClient, Task<string>>? checkCutOff = null;
        try
        {
            // Committed data to begin with, and how long an import and a fit take here: kills are drawn across them.
            TimeSpan importTime, fitTime;
            await using (var first = await ServerProcess.StartAsync(db, output))
            {
                var watch = Stopwatch.StartNew();
                datasets["base"] = (await ImportAsync(first.Client, "base", Zoo(random, 60), V1.ImportMode.Create)).Dataset;
                importTime = watch.Elapsed;
                watch.Restart();
                var fit = await FitAsync(first.Client, "base", "base-fit", BootstrapSpec(200));
                fitTime = watch.Elapsed;
                fits[fit.Name] = fit;
                output.WriteLine($"a 480-model import takes {importTime.TotalMilliseconds:F0} ms, a fit with 200 bootstrap replicates {fitTime.TotalMilliseconds:F0} ms");
            }

            for (var k = 0; k <= kills; k++)
            {
                await using var server = await ServerProcess.StartAsync(db, output);
                if (checkCutOff is not null)
                {
                    var outcome = await checkCutOff(server.Client);
                    outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                    checkCutOff = null;
                }

                await VerifyAsync(server.Client, datasets, fits);
                if (k == kills)
                {
                    // After the last kill the store still takes writes.
                    var last = await ImportAsync(server.Client, "after-kills", Zoo(random, 10), V1.ImportMode.Create);
                    Assert.Equal(80, last.Dataset.ModelCount);
                    break;
                }

                var action = random.Next(3);
                var delay = (action < 2 ? importTime : fitTime) * (1.3 * random.NextDouble());
                string what;
                Task<Func<V1.ObsScaling.ObsScalingClient, Task<string>>?> work;
                if (action < 2)
                {
                    var id = action == 0 ? $"import-{k}" : datasets.Keys.ElementAt(random.Next(datasets.Count));
                    var mode = action == 0 ? V1.ImportMode.Create : V1.ImportMode.Replace;
                    var models = Zoo(random, random.Next(30, 90));
                    var before = datasets.GetValueOrDefault(id);
                    what = $"{mode} of {models.Count} models into {id}";
                    work = Track(ImportAsync(server.Client, id, models, mode), r => datasets[id] = r.Dataset, c => CheckImportAsync(c, id, models, before, datasets));
                }
                else
                {
                    var id = datasets.Keys.ElementAt(random.Next(datasets.Count));
                    var spec = BootstrapSpec(random.Next(100, 300));
                    what = $"fit of {id} with {spec.Intervals.Resamples} bootstrap replicates";
                    work = Track(FitAsync(server.Client, id, $"fit-{k}", spec), f => fits[f.Name] = f, c => CheckFitAsync(c, $"datasets/{id}/fits/fit-{k}", fits));
                }

                await Task.WhenAny(work, Task.Delay(delay));
                server.Kill();
                checkCutOff = await work;
                output.WriteLine($"kill {k + 1}/{kills} after {delay.TotalMilliseconds:F0} ms of the {what}: {(checkCutOff is null ? "acknowledged before" : "cut off")}");
                if (checkCutOff is null)
                {
                    outcomes["acknowledged"] = outcomes.GetValueOrDefault("acknowledged") + 1;
                }
            }

            output.WriteLine($"{kills} kills in {total.Elapsed.TotalSeconds:F1} s: {string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Value} {o.Key}"))}; {datasets.Count} datasets and {fits.Count} fits verified after every restart");
            Assert.Equal(kills, outcomes.Values.Sum());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Runs the call: answered, it is recorded as acknowledged; broken by the kill, the returned check decides after
    /// the restart whether it had committed (then it must be whole) or not (then nothing of it may show).
    /// </summary>
    private static async Task<Func<V1.ObsScaling.ObsScalingClient, Task<string>>?> Track<T>(Task<T> call, Action<T> acknowledged, Func<V1.ObsScaling.ObsScalingClient, Task<string>> checkAfterRestart)
    {
        try
        {
            acknowledged(await call);
            return null;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Cancelled or StatusCode.Unknown)
        {
            return checkAfterRestart;
        }
    }

    private static async Task<string> CheckImportAsync(V1.ObsScaling.ObsScalingClient client, string id, ModelSet sent, V1.Dataset? before, Dictionary<string, V1.Dataset> datasets)
    {
        V1.Dataset now;
        try
        {
            now = await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/" + id }, deadline: DateTime.UtcNow + CallTimeout);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            Assert.Null(before);
            return "cut off, absent";
        }

        if (before is not null && now.Revision == before.Revision)
        {
            Assert.Equal(before, now);
            return "cut off, unchanged";
        }

        Assert.Equal(sent.Count, now.ModelCount);
        Assert.Equal(DomainMapping.ContentHash(sent), now.Etag);
        datasets[id] = now;
        return "cut off after the commit, whole";
    }

    private static async Task<string> CheckFitAsync(V1.ObsScaling.ObsScalingClient client, string name, Dictionary<string, V1.Fit> fits)
    {
        try
        {
            var fit = await client.GetFitAsync(new V1.GetFitRequest { Name = name }, deadline: DateTime.UtcNow + CallTimeout);
            Assert.NotNull(fit.Law);
            Assert.NotEmpty(fit.Predictions);
            Assert.NotNull(fit.Intervals);
            fits[name] = fit;
            return "cut off after the commit, whole";
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return "cut off, absent";
        }
    }

    private static V1.FitSpec BootstrapSpec(int resamples)
    {
        var spec = Rpc.DownstreamSpec();
        spec.Intervals = new V1.IntervalSettings { Method = V1.IntervalMethod.FamilyBootstrap, Resamples = resamples };
        return spec;
    }

    private static ModelSet Zoo(Random random, int families) =>
        SyntheticZoo.Generate(new SyntheticZooOptions { Seed = random.Next(), Families = families, ModelsPerFamily = 8, MissingFraction = 0.1 }).Models;

    private static async Task VerifyAsync(V1.ObsScaling.ObsScalingClient client, Dictionary<string, V1.Dataset> datasets, Dictionary<string, V1.Fit> fits)
    {
        var deadline = DateTime.UtcNow + CallTimeout;
        var listed = await client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = 1000 }, deadline: deadline);
        foreach (var ds in listed.Datasets)
        {
            var id = ds.Name["datasets/".Length..];
            // Whatever is listed is whole: its etag is the hash of the rows stored under it.
            var models = new List<V1.Model>();
            var token = "";
            do
            {
                var page = await client.ListModelsAsync(new V1.ListModelsRequest { Parent = ds.Name, PageSize = 1000, PageToken = token }, deadline: deadline);
                models.AddRange(page.Models);
                token = page.NextPageToken;
            }
            while (token.Length > 0);

            Assert.Equal(ds.ModelCount, models.Count);
            Assert.Equal(ds.Etag, DomainMapping.ContentHash(new ModelSet(models.Select(m => m.ToDomain()), ds.Metrics.Select(m => m.ToDomain()))));
        }

        Assert.Equal(datasets.Keys.Order(StringComparer.Ordinal), listed.Datasets.Select(d => d.Name["datasets/".Length..]).Order(StringComparer.Ordinal));
        foreach (var acknowledged in datasets.Values)
        {
            Assert.Equal(acknowledged, await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = acknowledged.Name }, deadline: deadline));
        }

        foreach (var (name, acknowledged) in fits.Where(f => datasets.ContainsKey(f.Key.Split('/')[1])))
        {
            var now = await client.GetFitAsync(new V1.GetFitRequest { Name = name }, deadline: deadline);
            if (now.DatasetRevision == acknowledged.DatasetRevision)
            {
                Assert.Equal(acknowledged.Law, now.Law);
                Assert.Equal(acknowledged.TestMse, now.TestMse);
            }
            else
            {
                // The dataset was replaced since: the server refitted the fit on the new revision (whole, and newer).
                Assert.True(now.DatasetRevision > acknowledged.DatasetRevision, $"{name} went back to revision {now.DatasetRevision}");
                Assert.NotNull(now.Law);
            }
        }

        // Every fit listed is one the client knows of (acknowledged, or found whole after its cut-off).
        foreach (var id in datasets.Keys)
        {
            var listedFits = await client.ListFitsAsync(new V1.ListFitsRequest { Parent = "datasets/" + id, PageSize = 1000 }, deadline: deadline);
            Assert.All(listedFits.Fits, f => Assert.True(fits.ContainsKey(f.Name), $"{f.Name} was never acknowledged nor checked"));
        }
    }

    private static async Task<V1.ImportModelsResponse> ImportAsync(V1.ObsScaling.ObsScalingClient client, string dataset, ModelSet models, V1.ImportMode mode)
    {
        using var import = client.ImportModels(deadline: DateTime.UtcNow + CallTimeout);
        var header = new V1.ImportHeader { Dataset = dataset, Mode = mode };
        header.Metrics.AddRange(Rpc.Metrics(models));
        await import.RequestStream.WriteAsync(new V1.ImportModelsRequest { Header = header });
        foreach (var m in models.Models)
        {
            await import.RequestStream.WriteAsync(new V1.ImportModelsRequest { Model = m.ToProto() });
        }

        await import.RequestStream.CompleteAsync();
        return await import;
    }

    private static async Task<V1.Fit> FitAsync(V1.ObsScaling.ObsScalingClient client, string dataset, string id, V1.FitSpec spec)
    {
        using var call = client.CreateFit(new V1.CreateFitRequest { Parent = "datasets/" + dataset, FitId = id, Spec = spec }, deadline: DateTime.UtcNow + CallTimeout);
        var events = await call.ResponseStream.ReadAllAsync().ToListAsync();
        return events.Single(e => e.EventCase == V1.FitEvent.EventOneofCase.Fit).Fit;
    }
}
