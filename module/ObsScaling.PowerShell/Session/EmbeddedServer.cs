using System.Diagnostics;

namespace ObsScaling.PowerShell.Session;

/// <summary>
/// The local server the module starts when no Connect-ObsServer was made: <c>dotnet ObsScaling.Server.dll
/// --urls=http://127.0.0.1:0 --ObsScaling:DatabasePath=…</c> as a child process, whose port is read from the
/// <c>ObsScaling server listening on &lt;url&gt;</c> line it prints once serving.
/// </summary>
internal sealed class EmbeddedServer : IDisposable
{
    public const string ServerVariable = "OBSSCALING_SERVER";
    public const string DatabaseVariable = "OBSSCALING_DATABASE";
    public const string ListeningBanner = "ObsScaling server listening on ";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;

    private EmbeddedServer(Process process, string address, string serverPath, string databasePath)
    {
        _process = process;
        ProcessId = process.Id;
        Address = address;
        ServerPath = serverPath;
        DatabasePath = databasePath;
    }

    public string Address { get; }

    public string ServerPath { get; }

    public string DatabasePath { get; }

    public int ProcessId { get; }

    public bool HasExited
    {
        get
        {
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

    public static EmbeddedServer Start(CancellationToken cancellationToken)
    {
        var server = LocateServer();
        if (!File.Exists(server))
        {
            throw new FileNotFoundException(
                $"The ObsScaling server was not found at '{server}'. Set ${ServerVariable} to the path of ObsScaling.Server.dll, or connect to a running server with Connect-ObsServer.", server);
        }

        var database = LocateDatabase();
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = Path.GetDirectoryName(server)!,
        };
        start.ArgumentList.Add(server);
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.ArgumentList.Add("--ObsScaling:DatabasePath=" + database);
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        start.ArgumentList.Add("--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning");
        // The server exits when this process dies, however it dies (a SIGKILL runs no exit handler here).
        start.ArgumentList.Add("--ObsScaling:ParentProcessId=" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

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
        process.Exited += (_, _) => address.TrySetException(new InvalidOperationException(
            $"The ObsScaling server ({server}) exited with code {process.ExitCode} before listening. {Snapshot(errors)}".Trim()));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            if (!address.Task.Wait(StartTimeout, cancellationToken))
            {
                throw new TimeoutException($"The ObsScaling server ({server}) did not report a listening address within {StartTimeout.TotalSeconds:0} s.");
            }

            return new EmbeddedServer(process, address.Task.Result, server, database);
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

    public void Dispose()
    {
        Kill(_process);
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
