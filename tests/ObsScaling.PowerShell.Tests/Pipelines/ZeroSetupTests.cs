using System.Diagnostics;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>
/// No Connect-ObsServer: the module starts its own server (dotnet $env:OBSSCALING_SERVER) on a free loopback
/// port over $env:OBSSCALING_DATABASE, and stops it when the session ends.
/// </summary>
public sealed class ZeroSetupTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "obs-ps-zero-" + Guid.NewGuid().ToString("N")[..10]);

    public ZeroSetupTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public void A_pipeline_with_no_setup_starts_the_embedded_server_and_the_session_end_stops_it()
    {
        var database = Path.Combine(_directory, "zero.db");
        int pid;
        using (var host = new ModuleHost())
        {
            var vars = new Dictionary<string, object?> { ["server"] = ModuleHost.ServerDll, ["db"] = database };
            host.RunClean("$env:OBSSCALING_SERVER = $server; $env:OBSSCALING_DATABASE = $db", vars);
            Assert.Empty(host.RunClean("Get-ObsConnection"));

            var output = host.RunClean("""
                New-ObsSyntheticZoo -Seed 5 -Families 8 -ModelsPerFamily 4 |
                    Import-ObsModel -Dataset zoo |
                    Invoke-ObsFit -Target downstream -CapabilityMetric bench-1, bench-2, bench-3, bench-4, bench-5, bench-6, bench-7, bench-8 -Split Random -SplitFraction 0.25 -Seed 2 -ReferenceFamily family-01 -Name zoo-law |
                    Get-ObsForecast
                """);
            Assert.Equal(8, output.Count);
            var forecasts = output.Select(ModuleHost.Base<ObsForecast>).ToList();
            Assert.All(forecasts, f => Assert.Equal("datasets/zoo/fits/zoo-law", f.Fit));
            Assert.All(forecasts, f => Assert.InRange(f.PredictedRaw, 0.0, 1.0));

            var connection = ModuleHost.Base<ObsConnection>(host.RunClean("Get-ObsConnection").Single());
            Assert.True(connection.Embedded);
            Assert.StartsWith("http://127.0.0.1:", connection.Endpoint, StringComparison.Ordinal);
            Assert.Equal(database, connection.DatabasePath);
            Assert.True(File.Exists(database));
            pid = connection.ServerProcessId!.Value;
            Assert.False(Process.GetProcessById(pid).HasExited);
        }

        // Closing the runspace ended the session: the child server is gone.
        Assert.True(Exited(pid), $"the embedded server (pid {pid}) still runs after the session ended");
    }

    [Fact]
    public void Disconnect_stops_the_embedded_server_and_the_next_cmdlet_restarts_it_on_the_same_database()
    {
        var vars = new Dictionary<string, object?> { ["server"] = ModuleHost.ServerDll, ["db"] = Path.Combine(_directory, "restart.db") };
        using var host = new ModuleHost();
        host.RunClean("$env:OBSSCALING_SERVER = $server; $env:OBSSCALING_DATABASE = $db", vars);
        host.RunClean("New-ObsSyntheticZoo -Seed 1 -Families 3 -ModelsPerFamily 3 | Import-ObsModel -Dataset kept | Out-Null");
        var first = ModuleHost.Base<ObsConnection>(host.RunClean("Disconnect-ObsServer -PassThru").Single());
        Assert.True(first.Embedded);
        Assert.True(Exited(first.ServerProcessId!.Value));

        var again = ModuleHost.Base<ObsDataset>(host.RunClean("Get-ObsDataset kept").Single());
        Assert.Equal(9, again.ModelCount);
        var second = ModuleHost.Base<ObsConnection>(host.RunClean("Get-ObsConnection").Single());
        Assert.NotEqual(first.ServerProcessId, second.ServerProcessId);
    }

    /// <summary>Against a server in another process (as users run it), so the search's CPU load does not starve the test's thread pool.</summary>
    [Fact]
    public void Stop_cancels_a_long_subset_search_promptly()
    {
        using var host = new ModuleHost();
        host.RunClean("$env:OBSSCALING_SERVER = $server; $env:OBSSCALING_DATABASE = $db", new Dictionary<string, object?> { ["server"] = ModuleHost.ServerDll, ["db"] = Path.Combine(_directory, "stop.db") });
        // ~56 million five-dimensional objectives: seconds of work, so it is still searching when stopped.
        host.RunClean("New-ObsSyntheticZoo -Seed 4 -Families 65 -ModelsPerFamily 3 -LatentDimensions 5 -DownstreamWeight 1,1,1,1,1 | Import-ObsModel -Dataset big-zoo | Out-Null");
        var shell = host.Shell;
        shell.Commands.Clear();
        shell.Streams.ClearStreams();
        // Exhaustive on purpose and as large as it is allowed (91 million combinations, just under the 1e8 limit): Auto
        // would pick the greedy search, and a smaller exhaustive one can finish before Stop() lands.
        shell.AddScript("Select-ObsSubset big-zoo -Budget 12, 18 -MaxFamilies 6 -Components 5 -Method Exhaustive");
        var running = shell.BeginInvoke();

        // Stop as soon as the server reports that the search itself has started.
        var wait = Stopwatch.StartNew();
        while (!shell.Streams.Progress.Any(p => (p.StatusDescription ?? "").Contains("searching", StringComparison.Ordinal)))
        {
            if (running.IsCompleted)
            {
                var done = shell.EndInvoke(running);
                Assert.Fail($"the search finished before it could be stopped: {done.Count} results, errors: {string.Join(" | ", host.Errors)}");
            }

            Assert.True(wait.Elapsed < TimeSpan.FromSeconds(60), "the search never reported progress");
            Thread.Sleep(20);
        }

        Assert.Contains(shell.Streams.Progress, p => p.ActivityId == 2);
        var clock = Stopwatch.StartNew();
        shell.Stop();
        Assert.True(running.AsyncWaitHandle.WaitOne(5000), "Stop() did not end the search");
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 5);
        Assert.Equal(System.Management.Automation.PSInvocationState.Stopped, shell.InvocationStateInfo.State);
    }

    [Fact]
    public void A_missing_server_is_a_connection_error_naming_the_path()
    {
        using var host = new ModuleHost();
        var missing = Path.Combine(_directory, "nowhere", "ObsScaling.Server.dll");
        host.Run("$env:OBSSCALING_SERVER = $server; $env:OBSSCALING_DATABASE = $db; Get-ObsDataset", new Dictionary<string, object?> { ["server"] = missing, ["db"] = Path.Combine(_directory, "x.db") });
        var error = Assert.Single(host.Errors);
        Assert.Equal(System.Management.Automation.ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains(missing, error.Exception.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("OBSSCALING_SERVER", null);
        Environment.SetEnvironmentVariable("OBSSCALING_DATABASE", null);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool Exited(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.WaitForExit(10_000);
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
