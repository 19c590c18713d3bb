using System.Diagnostics;
using System.Globalization;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using ObsScaling.PowerShell.Tests.Support;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>The embedded server exits with the process that started it, even one killed outright (no exit handler runs).</summary>
public sealed class ServerLifetimeTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "obs-ps-life-" + Guid.NewGuid().ToString("N")[..10]);

    public ServerLifetimeTests() => Directory.CreateDirectory(_directory);

    [SkippableFact]
    public void The_server_stops_when_its_parent_process_is_killed()
    {
        Skip.IfNot(File.Exists("/bin/sleep"), "needs /bin/sleep as a parent to kill");
        using var parent = Process.Start("/bin/sleep", "120");
        var start = new ProcessStartInfo(Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ModuleHost.ServerDll);
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.ArgumentList.Add("--ObsScaling:DatabasePath=" + Path.Combine(_directory, "life.db"));
        start.ArgumentList.Add("--ObsScaling:ParentProcessId=" + parent.Id.ToString(CultureInfo.InvariantCulture));
        using var server = Process.Start(start)!;
        try
        {
            var listening = new TaskCompletionSource();
            server.OutputDataReceived += (_, e) =>
            {
                if (e.Data?.StartsWith(EmbeddedServer.ListeningBanner, StringComparison.Ordinal) == true)
                {
                    listening.TrySetResult();
                }
            };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            Assert.True(listening.Task.Wait(TimeSpan.FromSeconds(60)), "the server did not start listening");
            Assert.False(server.HasExited);

            parent.Kill();
            Assert.True(server.WaitForExit(10_000), "the server still runs 10 s after its parent was killed");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }

    [SkippableFact]
    public void The_module_starts_its_server_watching_this_process()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "reads the server's command line from /proc");
        using var host = new ModuleHost();
        host.RunClean("$env:OBSSCALING_SERVER = $server; $env:OBSSCALING_DATABASE = $db", new Dictionary<string, object?> { ["server"] = ModuleHost.ServerDll, ["db"] = Path.Combine(_directory, "module.db") });
        host.RunClean("Get-ObsDataset | Out-Null");
        var pid = ModuleHost.Base<ObsConnection>(host.RunClean("Get-ObsConnection").Single()).ServerProcessId!.Value;
        var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        Assert.Contains("--ObsScaling:ParentProcessId=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture), commandLine);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
