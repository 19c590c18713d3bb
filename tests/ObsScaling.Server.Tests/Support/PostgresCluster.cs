using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ObsScaling.Server.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL 15 cluster: initdb into a temporary folder, pg_ctl start on a free loopback port with
/// its unix socket in the same folder, stopped and deleted on dispose. PostgreSQL refuses to run as root, so as
/// root the binaries run as the postgres user, who owns the folder. <see cref="Missing"/> names why none can be
/// started (binaries absent), for tests to skip with.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private const string BinDir = "/usr/lib/postgresql/15/bin";
    private readonly string _dir;
    private readonly string _data;
    private bool _stopped;

    public PostgresCluster()
    {
        if (Missing is { } why)
        {
            throw new InvalidOperationException(why);
        }

        _dir = Directory.CreateTempSubdirectory("obs-pg-").FullName;
        _data = Path.Combine(_dir, "data");
        Port = FreePort();
        if (AsRoot)
        {
            Run("chown", "postgres:postgres", _dir);
        }

        RunPg("initdb", "-D", _data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
        Start();
        ConnectionString = $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true";
    }

    /// <summary>Why no cluster can be started here, or null when one can.</summary>
    public static string? Missing =>
        !OperatingSystem.IsLinux() ? "PostgreSQL tests run on Linux only" :
        !File.Exists(Path.Combine(BinDir, "initdb")) || !File.Exists(Path.Combine(BinDir, "pg_ctl")) ? $"PostgreSQL 15 is not installed ({BinDir}/initdb missing; apt-get install postgresql-15)" :
        null;

    public int Port { get; }

    public string ConnectionString { get; }

    /// <summary>Starts the cluster (again, after <see cref="Stop"/>) on the same port and data.</summary>
    public void Start()
    {
        RunPg("pg_ctl", "-D", _data, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        _stopped = false;
    }

    /// <summary>Stops the cluster at once (immediate mode: like a crash, connections cut, recovery at the next start).</summary>
    public void Stop()
    {
        if (!_stopped)
        {
            _stopped = true;
            RunPg("pg_ctl", "-D", _data, "-m", "immediate", "-w", "stop");
        }
    }

    public void Dispose()
    {
        try
        {
            Stop();
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static bool AsRoot => Environment.UserName == "root";

    private static void RunPg(string tool, params string[] args)
    {
        var exe = Path.Combine(BinDir, tool);
        if (AsRoot)
        {
            Run("runuser", ["-u", "postgres", "--", exe, .. args]);
        }
        else
        {
            Run(exe, args);
        }
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} did not finish in 120 s");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}{stdout.Result}");
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
