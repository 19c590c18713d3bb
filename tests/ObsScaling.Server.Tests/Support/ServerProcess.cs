using System.Diagnostics;
using Grpc.Net.Client;
using ObsScaling.Server.Hosting;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Support;

/// <summary>
/// The real server as a separate process: <c>dotnet ObsScaling.Server.dll</c> from the test's output folder
/// (the project reference copies it there), on a free loopback port, ready once it prints its listening line.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly GrpcChannel _channel;

    private ServerProcess(Process process, string address)
    {
        _process = process;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        Client = new V1.ObsScaling.ObsScalingClient(_channel);
    }

    public V1.ObsScaling.ObsScalingClient Client { get; }

    /// <summary>What the server wrote to stdout and stderr so far, in order.</summary>
    public IReadOnlyCollection<string> Log { get; private init; } = [];

    /// <summary>The URL the server printed once listening.</summary>
    public string Address { get; private init; } = "";

    /// <summary>The server's process, for its memory figures.</summary>
    public Process Process => _process;

    /// <summary>The web endpoint's URL, when the arguments asked for one (<c>--ObsScaling:WebUrls=…</c>).</summary>
    public string? WebAddress { get; private init; }

    public static async Task<ServerProcess> StartAsync(string databasePath, ITestOutputHelper output, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? arguments = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ObsScaling.Server.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references the server, so the build copies it there");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(databasePath)!,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        string[] args = [dll, "--urls=http://127.0.0.1:0", $"--ObsScaling:DatabasePath={databasePath}", "--Logging:LogLevel:Default=Warning", .. arguments ?? []];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var webListening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                log.Enqueue(line);
                if (line.StartsWith(ObsScalingServer.ListeningBanner, StringComparison.Ordinal))
                {
                    listening.TrySetResult(line[ObsScalingServer.ListeningBanner.Length..].Trim());
                }
                else if (line.StartsWith(ObsScalingServer.WebBanner, StringComparison.Ordinal))
                {
                    webListening.TrySetResult(line[ObsScalingServer.WebBanner.Length..].Trim());
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                log.Enqueue(line);
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the server exited before listening:\n" + string.Join('\n', log)));
        var started = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"[{DateTime.Now:HH:mm:ss.fff}] server {process.Id} listening on {address} after {started.ElapsedMilliseconds} ms");
            var web = arguments?.Any(a => a.Contains("WebUrls=", StringComparison.Ordinal)) == true ? await webListening.Task.WaitAsync(TimeSpan.FromSeconds(10)) : null;
            return new ServerProcess(process, address) { Address = address, WebAddress = web, Log = log };
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Kills the process at once (no graceful shutdown) and waits until it is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(30)), "the killed server did not exit");
    }

    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
