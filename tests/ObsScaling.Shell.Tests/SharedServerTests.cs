using System.Diagnostics;
using System.Globalization;

namespace ObsScaling.Shell.Tests;

/// <summary>
/// The module's warm local server ($env:OBSSCALING_SERVER_IDLE): sessions in separate obs processes share one
/// server per database, found through {database}.server; it outlives them and exits when idle; a dead server's
/// leftover file is ignored; 0 keeps the private server that stops with its session.
/// </summary>
public sealed class SharedServerTests : IDisposable
{
    private const string Probe = "$null = @(Get-ObsDataset); $c = Get-ObsConnection; 'PID={0} SHARED={1} DB={2}' -f $c.ServerProcessId, $c.SharedServer, $c.DatabasePath";

    private readonly string _directory = Directory.CreateTempSubdirectory("obs-shared-").FullName;

    private string Database => Path.Combine(_directory, "obs.db");

    private string AddressFile => Database + ".server";

    [Fact]
    public async Task Two_sessions_started_together_on_one_database_share_one_warm_server()
    {
        var env = Env(idleSeconds: 120);
        var first = Task.Run(() => ObsProcess.Run(["-NonInteractive", "-Command", Probe], environment: env));
        var second = Task.Run(() => ObsProcess.Run(["-NonInteractive", "-Command", Probe], environment: env));
        var a = await first;
        var b = await second;
        Assert.True(a.ExitCode == 0, $"first session: exit {a.ExitCode}\n{a.Out}\n{a.Err}");
        Assert.True(b.ExitCode == 0, $"second session: exit {b.ExitCode}\n{b.Out}\n{b.Err}");
        var pid = ServerPid(a.Out);
        Assert.Equal(pid, ServerPid(b.Out));
        Assert.Contains("SHARED=True", a.Out, StringComparison.Ordinal);
        Assert.Contains("DB=" + Database, a.Out, StringComparison.Ordinal);

        // Both sessions have exited; the server is still there, warm, and a third session uses it too.
        Assert.True(IsRunning(pid), "the shared server exited with the sessions that used it");
        var c = ObsProcess.Run(["-NonInteractive", "-Command", Probe], environment: env);
        Assert.True(c.ExitCode == 0, $"third session: exit {c.ExitCode}\n{c.Out}\n{c.Err}");
        Assert.Equal(pid, ServerPid(c.Out));
    }

    [Fact]
    public void The_warm_server_exits_when_idle_and_removes_its_address_file()
    {
        var run = ObsProcess.Run(["-NonInteractive", "-Command", Probe], environment: Env(idleSeconds: 4));
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Out}\n{run.Err}");
        var pid = ServerPid(run.Out);
        Assert.True(File.Exists(AddressFile), "no address file beside the database");
        Assert.Equal(pid.ToString(CultureInfo.InvariantCulture), File.ReadAllLines(AddressFile)[1]);

        var waited = Stopwatch.StartNew();
        while (IsRunning(pid) && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(200);
        }

        Assert.False(IsRunning(pid), "the server still runs 30 s after its last request, with a 4 s idle timeout");
        Assert.False(File.Exists(AddressFile), "the idle server left its address file behind");
    }

    [Fact]
    public void A_leftover_address_file_of_a_dead_server_is_ignored()
    {
        // A process id that is alive (this test's) but with another start time: what a reused id looks like.
        File.WriteAllText(AddressFile, $"http://127.0.0.1:1\n{Environment.ProcessId}\n0\n{Database}\n");
        var run = ObsProcess.Run(["-NonInteractive", "-Command", Probe], environment: Env(idleSeconds: 60));
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Out}\n{run.Err}");
        var pid = ServerPid(run.Out);
        Assert.NotEqual(Environment.ProcessId, pid);
        Assert.Equal(pid.ToString(CultureInfo.InvariantCulture), File.ReadAllLines(AddressFile)[1]);
    }

    [Fact]
    public void An_address_file_naming_another_database_is_ignored()
    {
        var env = Env(idleSeconds: 60);
        var run = ObsProcess.Run(["-NonInteractive", "-Command", Probe], environment: env);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Out}\n{run.Err}");
        var pid = ServerPid(run.Out);

        // The live server's file copied beside another database must not lead that database's session to it.
        var other = Path.Combine(_directory, "other.db");
        File.Copy(AddressFile, other + ".server");
        var env2 = Env(idleSeconds: 60);
        env2["OBSSCALING_DATABASE"] = other;
        var run2 = ObsProcess.Run(["-NonInteractive", "-Command", Probe], environment: env2);
        Assert.True(run2.ExitCode == 0, $"exit {run2.ExitCode}\n{run2.Out}\n{run2.Err}");
        var pid2 = ServerPid(run2.Out);
        Assert.NotEqual(pid, pid2);
        Assert.Contains("DB=" + other, run2.Out, StringComparison.Ordinal);
        Stop(pid2);
    }

    [Fact]
    public void A_database_chosen_after_import_is_the_one_used_even_with_a_warm_server_of_the_first()
    {
        var env = Env(idleSeconds: 60);
        var warm = ObsProcess.Run(["-NonInteractive", "-Command", Probe], environment: env);
        Assert.True(warm.ExitCode == 0, $"exit {warm.ExitCode}\n{warm.Out}\n{warm.Err}");
        var pid = ServerPid(warm.Out);

        // The module's import (at obs start) finds the warm server of obs.db; the script then names another database.
        var other = Path.Combine(_directory, "later.db");
        var run = ObsProcess.Run(["-NonInteractive", "-Command", $"$env:OBSSCALING_DATABASE = '{other}'; {Probe}"], environment: env);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Out}\n{run.Err}");
        Assert.Contains("DB=" + other, run.Out, StringComparison.Ordinal);
        var pid2 = ServerPid(run.Out);
        Assert.NotEqual(pid, pid2);
        Stop(pid2);
    }

    [Fact]
    public void A_private_server_stops_with_its_session_and_writes_no_address_file()
    {
        var run = ObsProcess.Run(["-NonInteractive", "-Command", Probe], environment: Env(idleSeconds: 0));
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Out}\n{run.Err}");
        Assert.Contains("SHARED=False", run.Out, StringComparison.Ordinal);
        var pid = ServerPid(run.Out);
        var waited = Stopwatch.StartNew();
        while (IsRunning(pid) && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(100);
        }

        Assert.False(IsRunning(pid), "the private server outlived its session");
        Assert.False(File.Exists(AddressFile));
    }

    [Fact]
    public void A_bad_idle_setting_is_refused_naming_the_variable()
    {
        var run = ObsProcess.Run(["-NonInteractive", "-Command", "Get-ObsDataset; $Error[0].CategoryInfo.Category"], environment: Env(idle: "soon"));
        Assert.Contains("InvalidArgument", run.Out, StringComparison.Ordinal);
        Assert.Contains("OBSSCALING_SERVER_IDLE", run.Err, StringComparison.Ordinal);
        Assert.Contains("soon", run.Err, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        // The warm servers these tests started (by the process id their address file names).
        if (File.Exists(AddressFile) && int.TryParse(File.ReadAllLines(AddressFile)[1], CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId)
        {
            Stop(pid);
        }

        Directory.Delete(_directory, recursive: true);
    }

    private Dictionary<string, string?> Env(int idleSeconds) => Env(idleSeconds.ToString(CultureInfo.InvariantCulture));

    private Dictionary<string, string?> Env(string idle) => new() { ["OBSSCALING_DATABASE"] = Database, ["OBSSCALING_SERVER_IDLE"] = idle };

    private static int ServerPid(string output)
    {
        var line = output.Split('\n').Single(l => l.StartsWith("PID=", StringComparison.Ordinal));
        return int.Parse(line[4..line.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Stop(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
        }
        catch (ArgumentException)
        {
        }
    }
}
