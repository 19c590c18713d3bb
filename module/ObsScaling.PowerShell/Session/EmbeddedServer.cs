using System.Diagnostics;

namespace ObsScaling.PowerShell.Session;

/// <summary>
/// The local server the module uses when no Connect-ObsServer was made: <c>dotnet ObsScaling.Server.dll
/// --urls=http://127.0.0.1:0 --ObsScaling:DatabasePath=…</c>, whose port is read from the
/// <c>ObsScaling server listening on &lt;url&gt;</c> line it prints once serving.
/// By default it is shared and warm: started in a session of its own with an idle timeout
/// (<c>$env:OBSSCALING_SERVER_IDLE</c> seconds, default 300) and its address in <c>{database}.server</c>, it outlives
/// the process that started it, and the next session on the same database connects to it instead of starting
/// another (which the database lock would refuse). <c>$env:OBSSCALING_SERVER_IDLE = 0</c> makes it private: a
/// child stopped with the session and when this process dies.
/// </summary>
internal sealed class EmbeddedServer : IDisposable
{
    public const string ServerVariable = "OBSSCALING_SERVER";
    public const string DatabaseVariable = "OBSSCALING_DATABASE";
    public const string IdleVariable = "OBSSCALING_SERVER_IDLE";
    public const string ListeningBanner = "ObsScaling server listening on ";
    public const int DefaultIdleSeconds = 300;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process? _process;
    private readonly long _startTicks;

    private EmbeddedServer(Process? process, int processId, long startTicks, string address, string serverPath, string databasePath, bool shared)
    {
        _process = process;
        _startTicks = startTicks;
        ProcessId = processId;
        Address = address;
        ServerPath = serverPath;
        DatabasePath = databasePath;
        IsShared = shared;
    }

    /// <summary>True when the server outlives this session (found running, or started warm); false for a private child.</summary>
    public bool IsShared { get; }

    /// <summary>True when this process started it (false when a running one was found).</summary>
    public bool StartedHere => _process is not null;

    public string Address { get; }

    public string ServerPath { get; }

    public string DatabasePath { get; }

    public int ProcessId { get; }

    public bool HasExited
    {
        get
        {
            if (_process is null)
            {
                return !IsAlive(ProcessId, _startTicks);
            }

            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>The file beside the database where a shared server writes its address (see the server's Hosting/AddressFile).</summary>
    public static string AddressFileFor(string database) => database + ".server";

    /// <summary>$env:OBSSCALING_SERVER_IDLE in seconds (default 300); 0 means a private server.</summary>
    public static int IdleSeconds()
    {
        var text = Environment.GetEnvironmentVariable(IdleVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultIdleSeconds;
        }

        if (!int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            throw new ArgumentException($"${IdleVariable} must be a whole number of seconds (0 for a private server), not '{text}'.");
        }

        return seconds;
    }

    /// <summary>
    /// The running server recorded beside the database, if its file names this database and the process it names is
    /// still that process (same id and start time); a leftover file of a dead server is ignored.
    /// </summary>
    public static EmbeddedServer? Find(string server, string database)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(AddressFileFor(database));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (lines.Length < 4
            || !Uri.TryCreate(lines[0], UriKind.Absolute, out var address)
            || !int.TryParse(lines[1], System.Globalization.NumberStyles.None, inv, out var pid)
            || !long.TryParse(lines[2], System.Globalization.NumberStyles.None, inv, out var ticks)
            || !string.Equals(Path.GetFullPath(lines[3]), database, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
            || !address.IsLoopback
            || !IsAlive(pid, ticks))
        {
            return null;
        }

        return new EmbeddedServer(null, pid, ticks, lines[0], server, database, shared: true);
    }

    private static bool IsAlive(int pid, long startTicks)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            // Start times read through /proc can differ from the server's own reading by rounding: allow 1 s.
            return !p.HasExited && Math.Abs(p.StartTime.ToUniversalTime().Ticks - startTicks) < TimeSpan.TicksPerSecond;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>$env:OBSSCALING_SERVER, else server/ObsScaling.Server.dll beside the module's assembly.</summary>
    public static string LocateServer()
    {
        var fromEnv = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
        }

        var moduleDir = Path.GetDirectoryName(typeof(EmbeddedServer).Assembly.Location) ?? AppContext.BaseDirectory;
        return Path.Combine(moduleDir, "server", "ObsScaling.Server.dll");
    }

    /// <summary>$env:OBSSCALING_DATABASE, else ~/.local/share/obsscaling/obsscaling.db (the platform's local app data).</summary>
    public static string LocateDatabase()
    {
        var fromEnv = Environment.GetEnvironmentVariable(DatabaseVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
        }

        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        if (string.IsNullOrEmpty(data))
        {
            data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(data, "obsscaling", "obsscaling.db");
    }

    /// <summary>The running server of this database if there is one, else a new one (shared unless $env:OBSSCALING_SERVER_IDLE is 0).</summary>
    public static EmbeddedServer Start(CancellationToken cancellationToken)
    {
        var server = LocateServer();
        var database = LocateDatabase();
        var idle = IdleSeconds();
        if (Find(server, database) is { } running)
        {
            return running;
        }

        if (!File.Exists(server))
        {
            throw new FileNotFoundException(
                $"The ObsScaling server was not found at '{server}'. Set ${ServerVariable} to the path of ObsScaling.Server.dll, or connect to a running server with Connect-ObsServer.", server);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        try
        {
            return Launch(server, database, idle, cancellationToken);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("another ObsScaling server is using it", StringComparison.Ordinal)
            && WaitForRunning(server, database, cancellationToken) is { } other)
        {
            // Another session started a server on this database at the same moment and won the database lock.
            return other;
        }
    }

    private static EmbeddedServer? WaitForRunning(string server, string database, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15) && !cancellationToken.IsCancellationRequested)
        {
            if (Find(server, database) is { } found)
            {
                return found;
            }

            Thread.Sleep(50);
        }

        return null;
    }

    private static EmbeddedServer Launch(string server, string database, int idleSeconds, CancellationToken cancellationToken)
    {
        var shared = idleSeconds > 0;
        // A shared server gets a session of its own (setsid), so the terminal's Ctrl+C or hang-up aimed at this
        // session does not stop it under the next one.
        var setsid = shared && !OperatingSystem.IsWindows() && File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : null;
        var start = new ProcessStartInfo(setsid ?? DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = Path.GetDirectoryName(server)!,
        };
        if (setsid is not null)
        {
            // --wait: should setsid have to fork, the process this module watches still lives as long as the server.
            start.ArgumentList.Add("--wait");
            start.ArgumentList.Add(DotnetHost());
        }

        start.ArgumentList.Add(server);
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.ArgumentList.Add("--ObsScaling:DatabasePath=" + database);
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        start.ArgumentList.Add("--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning");
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (shared)
        {
            start.ArgumentList.Add("--ObsScaling:IdleTimeout=" + TimeSpan.FromSeconds(idleSeconds).ToString("c", inv));
            start.ArgumentList.Add("--ObsScaling:AddressFile=" + AddressFileFor(database));
        }
        else
        {
            // The server exits when this process dies, however it dies (a SIGKILL runs no exit handler here).
            start.ArgumentList.Add("--ObsScaling:ParentProcessId=" + Environment.ProcessId.ToString(inv));
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start 'dotnet' for the ObsScaling server");
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith(ListeningBanner, StringComparison.Ordinal))
            {
                address.TrySetResult(line[ListeningBanner.Length..].Trim());
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (errors)
                {
                    errors.AppendLine(line);
                }
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            // Until the end of its output, so the message carries all it said (the database lock's refusal included).
            process.WaitForExit();
            address.TrySetException(new InvalidOperationException(
                $"The ObsScaling server ({server}) exited with code {process.ExitCode} before listening. {Snapshot(errors)}".Trim()));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            if (!address.Task.Wait(StartTimeout, cancellationToken))
            {
                throw new TimeoutException($"The ObsScaling server ({server}) did not report a listening address within {StartTimeout.TotalSeconds:0} s.");
            }

            return new EmbeddedServer(process, process.Id, 0, address.Task.Result, server, database, shared);
        }
        catch (AggregateException ex) when (ex.InnerException is not null)
        {
            Kill(process);
            throw ex.InnerException;
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    /// <summary>Stops a private server; a shared one is left to its idle timeout, for the next session.</summary>
    public void Dispose()
    {
        if (_process is null)
        {
            return;
        }

        if (IsShared)
        {
            _process.Dispose();
            return;
        }

        Kill(_process);
    }

    /// <summary>Stops the server whether shared or not (tests, and Stop-style cleanup).</summary>
    public void Stop()
    {
        if (_process is not null)
        {
            Kill(_process);
            return;
        }

        try
        {
            using var p = Process.GetProcessById(ProcessId);
            if (IsAlive(ProcessId, _startTicks))
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                // Closing stdin is not a shutdown signal for Kestrel; the process owns nothing the tree kill would lose
                // (SQLite commits are atomic).
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        finally
        {
            process.Dispose();
        }
    }

    private static string Snapshot(System.Text.StringBuilder errors)
    {
        lock (errors)
        {
            return errors.ToString();
        }
    }

    private static string DotnetHost()
    {
        var fromEnv = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv))
        {
            return fromEnv;
        }

        // A process started by dotnet (pwsh, the obs shell, a test host) is usually dotnet itself.
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, exe)))
        {
            return Path.Combine(root, exe);
        }

        return exe;
    }
}
