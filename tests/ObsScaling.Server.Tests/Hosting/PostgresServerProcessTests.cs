using System.Diagnostics;
using Grpc.Core;
using ObsScaling.Core.Import;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Stores;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Hosting;

/// <summary>
/// The server as a process started with --ObsScaling:Storage=postgres: two replicas on one database at once (no
/// one-process-per-file lock), a dataset imported through one fitted through the other and listed through both;
/// and the same calls timed against a SQLite server on the same run, with identical answers.
/// </summary>
public sealed class PostgresServerProcessTests(PostgresProvider provider, ITestOutputHelper output) : IClassFixture<PostgresProvider>
{
    [SkippableFact]
    public async Task Two_replicas_on_one_database_import_fit_and_list_each_others_data()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var dir = Directory.CreateTempSubdirectory("obs-pg-e2e-").FullName;
        try
        {
            await using var first = await StartPostgres(dir);
            await using var second = await StartPostgres(dir);
            var zoo = Rpc.SmallZoo(seed: 21);
            var imported = await Uploads.ImportAsync(first.Client, "shared", zoo, V1.ImportMode.Create);
            Assert.Equal(zoo.Count, imported.Dataset.ModelCount);
            Assert.False(File.Exists(Path.Combine(dir, "obs.db")), "the postgres server created a SQLite file");

            var fit = await Uploads.FitAsync(second.Client, "shared", Rpc.DownstreamSpec(), "downstream");
            Assert.Equal("datasets/shared/fits/downstream", fit.Name);
            Assert.Equal(fit, await first.Client.GetFitAsync(new V1.GetFitRequest { Name = fit.Name }));
            var fits = await first.Client.ListFitsAsync(new V1.ListFitsRequest { Parent = "datasets/shared" });
            Assert.Equal([fit.Name], fits.Fits.Select(f => f.Name));

            var models = await second.Client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/shared", PageSize = 100 });
            Assert.Equal(zoo.Models.Select(m => m.Name), models.Models.Select(m => m.Name));
            var datasets = await second.Client.ListDatasetsAsync(new V1.ListDatasetsRequest());
            Assert.Contains(datasets.Datasets, d => d.Name == "datasets/shared" && d.Etag == imported.Dataset.Etag);

            // An import through the second replica is seen by the first at once, at the etag the second returned.
            var appended = await Uploads.ImportAsync(second.Client, "shared", Rpc.SmallZoo(seed: 22).Where(m => m.Name.EndsWith('0')), V1.ImportMode.Append);
            Assert.Equal(appended.Dataset.Etag, (await first.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/shared" })).Etag);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    public async Task The_paper_import_and_a_fit_answer_the_same_on_postgres_as_on_sqlite_and_are_timed()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        PaperData.SkipIfAbsent();
        var paper = PaperDatasets.LoadBase(PaperData.Open, onlyEvalFamilies: false, includePreregistered: true);
        var defaults = PaperDatasets.LoadBase(PaperData.Open);
        Assert.Equal((148, 77), (paper.Count, defaults.Count));
        var spec = new V1.FitSpec
        {
            Target = "GSM8K",
            Predictors = new V1.Predictors { Kind = V1.PredictorKind.PrincipalComponents, Components = 3 },
            CapabilityMetrics = { PaperMetrics.NonGsmBenchmarks },
            Link = V1.Link.Sigmoid,
            Split = new V1.Split { Kind = V1.SplitKind.TopFraction, Column = "FLOPs (1E21)", Fraction = 0.2 },
        };
        const int Imports = 8;
        const int Fits = 12;
        var dir = Directory.CreateTempSubdirectory("obs-pg-bench-").FullName;
        try
        {
            var results = new Dictionary<string, (double ImportMs, double FitMs, string Etag, V1.Fit Fit)>();
            foreach (var storage in new[] { "sqlite", "postgres" })
            {
                await using var server = storage == "postgres"
                    ? await StartPostgres(dir)
                    : await ServerProcess.StartAsync(Path.Combine(dir, "bench.db"), output);
                var dataset = "paper-" + storage;
                await Uploads.ImportAsync(server.Client, dataset, paper, V1.ImportMode.Create);
                var import = Stopwatch.StartNew();
                V1.ImportModelsResponse last = null!;
                for (var i = 0; i < Imports; i++)
                {
                    last = await Uploads.ImportAsync(server.Client, dataset, paper, V1.ImportMode.Replace);
                }

                var importMs = import.Elapsed.TotalMilliseconds / Imports;
                await Uploads.ImportAsync(server.Client, "defaults-" + storage, defaults, V1.ImportMode.Create);
                var fit = await Uploads.FitAsync(server.Client, "defaults-" + storage, spec, "warm");
                var timed = Stopwatch.StartNew();
                for (var i = 0; i < Fits; i++)
                {
                    fit = await Uploads.FitAsync(server.Client, "defaults-" + storage, spec, $"f{i}");
                }

                results[storage] = (importMs, timed.Elapsed.TotalMilliseconds / Fits, last.Dataset.Etag, fit);
            }

            var (sqlite, postgres) = (results["sqlite"], results["postgres"]);
            output.WriteLine($"148-model paper import (replace): sqlite {sqlite.ImportMs:F1} ms, postgres {postgres.ImportMs:F1} ms, ratio {postgres.ImportMs / sqlite.ImportMs:F2}");
            output.WriteLine($"Fit RPC, 77 default models: sqlite {sqlite.FitMs:F1} ms, postgres {postgres.FitMs:F1} ms, ratio {postgres.FitMs / sqlite.FitMs:F2}");
            Assert.Equal(sqlite.Etag, postgres.Etag);
            Assert.Equal(sqlite.Fit.TestMse, postgres.Fit.TestMse);
            Assert.Equal(sqlite.Fit.Law, postgres.Fit.Law);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    public async Task A_replica_killed_mid_import_leaves_no_partial_dataset_visible_on_the_other()
    {
        Skip.If(provider.Missing is not null, provider.Missing);
        var dir = Directory.CreateTempSubdirectory("obs-pg-kill-").FullName;
        try
        {
            await using var survivor = await StartPostgres(dir);
            var big = Rpc.SmallZoo(seed: 41, families: 330, perFamily: 12);
            var outcomes = new List<string>();
            var random = new Random(41);
            for (var round = 0; round < 4; round++)
            {
                var name = $"killed-{round}";
                var victim = await StartPostgres(dir);
                var import = Task.Run(() => Uploads.ImportAsync(victim.Client, name, big, V1.ImportMode.Create));
                var killAt = Stopwatch.StartNew();
                var delay = TimeSpan.FromMilliseconds(random.Next(20, 4000));
                var seen = new HashSet<int>();
                while (killAt.Elapsed < delay)
                {
                    seen.Add(await ModelCountAsync(survivor, name));
                    await Task.Delay(5);
                }

                victim.Kill();
                await victim.DisposeAsync();
                var acknowledged = await import.ContinueWith(t => t.IsCompletedSuccessfully);
                var after = await ModelCountAsync(survivor, name);
                seen.Add(after);
                Assert.True(seen.All(n => n == 0 || n == big.Count), $"round {round}: the other replica saw {string.Join(", ", seen)} models (only 0 or {big.Count} allowed)");
                Assert.True(!acknowledged || after == big.Count, $"round {round}: an acknowledged import is missing");
                outcomes.Add($"killed after {delay.TotalMilliseconds:F0} ms: {(after == 0 ? "nothing stored" : "stored whole")}{(acknowledged ? " (acknowledged)" : "")}");
            }

            output.WriteLine(string.Join("; ", outcomes));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The dataset's model count as the replica answers it, 0 when it does not exist.</summary>
    private static async Task<int> ModelCountAsync(ServerProcess replica, string dataset)
    {
        try
        {
            var ds = await replica.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/" + dataset });
            var listed = await replica.Client.ListModelsAsync(new V1.ListModelsRequest { Parent = ds.Name, PageSize = 1 });
            Assert.Equal(ds.ModelCount, listed.TotalSize);
            return ds.ModelCount;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return 0;
        }
    }

    private Task<ServerProcess> StartPostgres(string dir) =>
        ServerProcess.StartAsync(Path.Combine(dir, "obs.db"), output, arguments: ["--ObsScaling:Storage=postgres", $"--ObsScaling:ConnectionString={provider.Cluster.ConnectionString}"]);
}
