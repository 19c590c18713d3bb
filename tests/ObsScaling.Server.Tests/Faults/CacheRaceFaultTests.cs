using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Storage;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Deletes and replacements racing the first load of a dataset (a cold cache), many times over: afterwards every
/// read answers what the database holds — a deleted dataset is NOT_FOUND everywhere, a re-created or replaced one
/// is served at its new etag, and an etag delete with the etag the server just gave succeeds. And one database
/// file is served by one process: a second is refused at start with the file named.
/// </summary>
public class CacheRaceFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Deletes_and_replacements_racing_cold_loads_never_leave_stale_data_served()
    {
        var rounds = FaultScale.Cases(12, 150);
        var random = new Random(FaultScale.Seed);
        await using var server = await ServerHandle.InMemoryAsync();
        var client = server.Client;
        var store = server.Services.GetRequiredService<SqliteStore>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            // A fresh dataset under a reused name: the load cache is cold for it, and an entry left over from an
            // earlier round would show as a wrong etag or model count.
            var first = Rpc.SmallZoo(seed: random.Next(), families: 30, perFamily: 10);
            await Uploads.ImportAsync(client, "race", first, V1.ImportMode.Create);

            // Loads (what every analysis starts with) spread over the few milliseconds the delete takes, so that
            // some are reading the models when it commits: the window in which a load used to put the deleted set
            // back into the cache, to be served by GetDataset and Decompose until a restart.
            var loads = Enumerable.Range(0, 4).Select(_ => random.Next(0, 4000)).Select(delay => Task.Run(() =>
            {
                Spin(delay);
                try
                {
                    store.LoadDataset("race");
                    return "loaded";
                }
                catch (ObsScaling.Server.Errors.ResourceNotFoundException)
                {
                    return "not found";
                }
            })).ToList();
            loads.Add(Capture(client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "datasets/race" }).ResponseAsync));
            await client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "datasets/race", Force = true });
            foreach (var raced in await Task.WhenAll(loads))
            {
                Count(outcomes, "load racing delete: " + raced);
            }

            Assert.Throws<ObsScaling.Server.Errors.ResourceNotFoundException>(() => store.LoadDataset("race"));

            await Rpc.NotFoundAsync(() => client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/race" }).ResponseAsync, "Dataset", "datasets/race");
            await Rpc.NotFoundAsync(() => client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "datasets/race" }).ResponseAsync, "Dataset", "datasets/race");
            await Rpc.NotFoundAsync(() => client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/race" }).ResponseAsync, "Dataset", "datasets/race");

            // Created again (revision 1 again, other content), then replaced while a cold load runs.
            var second = Rpc.SmallZoo(seed: random.Next(), families: 25, perFamily: 10);
            var created = (await Uploads.ImportAsync(client, "race", second, V1.ImportMode.Create)).Dataset;
            Assert.Equal(second.Count, (await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/race" })).ModelCount);
            var third = Rpc.SmallZoo(seed: random.Next(), families: 20, perFamily: 10);
            var load2 = Capture(client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "datasets/race" }).ResponseAsync);
            Spin(random.Next(50, 2000));
            var replaced = (await Uploads.ImportAsync(client, "race", third, V1.ImportMode.Replace)).Dataset;
            Count(outcomes, "decompose racing replace: " + await load2);

            var current = await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/race" });
            Assert.Equal(replaced.Etag, current.Etag);
            Assert.Equal(third.Count, current.ModelCount);
            Assert.NotEqual(created.Etag, current.Etag);
            var decomposition = await client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "datasets/race" });
            Assert.Equal(current.Etag, decomposition.DatasetEtag);
            Assert.Equal(third.Count, decomposition.Models.Count);

            // The etag the server gave is the one it checks: this delete failed ABORTED for ever once a stale
            // descriptor was cached.
            await client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "datasets/race", Force = true, Etag = current.Etag });
        }

        output.WriteLine($"{rounds} rounds in {watch.Elapsed.TotalSeconds:F1} s: {string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Value}× {o.Key}"))}");
    }

    [Fact]
    public async Task A_second_server_on_the_same_file_is_refused_in_process_and_as_a_process_and_a_killed_owner_frees_it()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var db = server.DatabasePath;

        var inProcess = Assert.Throws<InvalidOperationException>(() => ObsScalingServer.Build([$"--ObsScaling:DatabasePath={db}", "--Logging:LogLevel:Default=Warning"]));
        Assert.Contains(db, inProcess.Message, StringComparison.Ordinal);
        Assert.Contains(db + ".lock", inProcess.Message, StringComparison.Ordinal);

        var (code, stderr) = await RunServerToExitAsync(db);
        output.WriteLine($"second process: exit {code}, stderr: {stderr.Trim()}");
        Assert.Equal(2, code);
        Assert.Contains("Refusing to open the database " + db, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);

        // The first server still serves, unharmed.
        await Uploads.ImportAsync(server.Client, "owner", Rpc.SmallZoo());
        Assert.Equal(20, (await server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/owner" })).ModelCount);

        // A process killed with SIGKILL leaves the lock file behind but not the lock: the next server opens the file.
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "obs-lock-" + Guid.NewGuid().ToString("N")[..10])).FullName;
        try
        {
            var other = Path.Combine(dir, "obs.db");
            var owner = await ServerProcess.StartAsync(other, output);
            await Uploads.ImportAsync(owner.Client, "kept", Rpc.SmallZoo());
            var (refused, _) = await RunServerToExitAsync(other);
            Assert.Equal(2, refused);
            owner.Kill();
            await owner.DisposeAsync();
            Assert.True(File.Exists(other + ".lock"));
            await using var next = await ServerProcess.StartAsync(other, output);
            Assert.Equal(20, (await next.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/kept" })).ModelCount);
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

    /// <summary>Starts the real server on <paramref name="db"/> and waits for it to exit by itself.</summary>
    private static async Task<(int Code, string Stderr)> RunServerToExitAsync(string db)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ObsScaling.Server.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--urls=http://127.0.0.1:0", $"--ObsScaling:DatabasePath={db}", "--Logging:LogLevel:Default=Warning" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the second server on one database file kept running instead of refusing to start");
        }

        return (process.ExitCode, await stderr);
    }

    private static async Task<string> Capture(Task<V1.Decomposition> call)
    {
        try
        {
            await call;
            return "OK";
        }
        catch (RpcException ex)
        {
            Assert.True(ex.StatusCode == StatusCode.NotFound, $"a Decompose racing a change may only succeed or find the dataset gone, got {ex.StatusCode}: {ex.Status.Detail}");
            return ex.StatusCode.ToString();
        }
    }

    private static void Spin(int microseconds)
    {
        var until = Stopwatch.GetTimestamp() + (microseconds * Stopwatch.Frequency / 1_000_000);
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(20);
        }
    }

    private static void Count(Dictionary<string, int> outcomes, string key) => outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
}
