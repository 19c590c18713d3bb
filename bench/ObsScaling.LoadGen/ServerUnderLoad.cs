using System.Diagnostics;
using System.Globalization;
using System.Net;
using ObsScaling.Server.Hosting;

namespace ObsScaling.LoadGen;

/// <summary>
/// The server being measured: started here as its own process (the built ObsScaling.Server.dll on a free loopback
/// port, over a temporary SQLite file), or an already running one on loopback. Its memory is read from /proc.
/// </summary>
internal sealed class ServerUnderLoad : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly string? _directory;

    private ServerUnderLoad(string address, int? pid, Process? process, string? directory)
    {
        Address = address;
        Pid = pid;
        _process = process;
        _directory = directory;
    }

    public string Address { get; }

    public int? Pid { get; }

    public static async Task<ServerUnderLoad> StartAsync(string serverDll)
    {
        if (!File.Exists(serverDll))
        {
            throw new FileNotFoundException($"no server at {serverDll} (build bench/ObsScaling.LoadGen, or pass --server)", serverDll);
        }

        var directory = Directory.CreateTempSubdirectory("obs-load-").FullName;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { serverDll, "--urls=http://127.0.0.1:0", $"--ObsScaling:DatabasePath={Path.Combine(directory, "load.db")}", "--Logging:LogLevel:Default=Warning" })
        {
            info.ArgumentList.Add(arg);
        }

        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith(ObsScalingServer.ListeningBanner, StringComparison.Ordinal))
            {
                listening.TrySetResult(line[ObsScalingServer.ListeningBanner.Length..].Trim());
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine("server: " + line);
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the server exited before listening"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new ServerUnderLoad(address, process.Id, process, directory);
    }

    /// <summary>An existing server; only loopback addresses are accepted (this tool must not load anyone else's host).</summary>
    public static ServerUnderLoad Connect(string address, int? pid)
    {
        var uri = new Uri(address);
        var loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback)
        {
            throw new ArgumentException($"Refusing to load {address}: the load generator drives loopback servers only.", nameof(address));
        }

        return new ServerUnderLoad(address, pid, null, null);
    }

    /// <summary>Resident memory now and at its peak (VmRSS, VmHWM), in MB; null when the process is unknown.</summary>
    public (double Rss, double Peak)? Memory()
    {
        if (Pid is not { } pid || !File.Exists($"/proc/{pid}/status"))
        {
            return null;
        }

        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) / 1024.0;
            }
        }

        return (rss, peak);

        static double Kilobytes(string line) => double.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// CPU time the server has used (user + system, /proc/&lt;pid&gt;/stat), in seconds: per request it is the cost of the
    /// work itself, which the latencies on a shared machine are not.
    /// </summary>
    public double? CpuSeconds()
    {
        if (Pid is not { } pid || !File.Exists($"/proc/{pid}/stat"))
        {
            return null;
        }

        // Fields after the command name (which may hold spaces): state is the 3rd field, utime the 14th, stime the 15th.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The machine's 1-minute load average: how much else wanted the cores while this ran.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
            _process.Dispose();
        }

        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
