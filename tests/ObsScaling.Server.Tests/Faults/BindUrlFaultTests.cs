using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ObsScaling.Server.Hosting;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Bind URLs that look like loopback but are not what Kestrel reads (http://127.0.0.1:5080:5080 binds every
/// interface), IPv4-mapped addresses that used to crash start-up, and a port already taken: the server refuses
/// before binding anything, with a message saying why and exit code 2. Nothing in these tests binds beyond loopback.
/// </summary>
public class BindUrlFaultTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080:5080", "holds a colon")]
    [InlineData("http://localhost:x:5080", "holds a colon")]
    [InlineData("http://127.0.0.1:0:0", "holds a colon")]
    [InlineData("http://[::ffff:127.0.0.1]:0", "IPv4-mapped")]
    public void Ambiguous_urls_are_refused_with_or_without_a_key(string url, string says)
    {
        foreach (var key in new[] { null, "--ObsScaling:ApiKey=k" })
        {
            var dir = Directory.CreateTempSubdirectory("obs-bind-").FullName;
            try
            {
                string[] args = key is null ? [$"--urls={url}", $"--ObsScaling:DatabasePath={Path.Combine(dir, "obs.db")}"] : [$"--urls={url}", key, $"--ObsScaling:DatabasePath={Path.Combine(dir, "obs.db")}"];
                var ex = Assert.Throws<InvalidOperationException>(() => ObsScalingServer.Build(args));
                Assert.StartsWith("Refusing", ex.Message, StringComparison.Ordinal);
                Assert.Contains(says, ex.Message, StringComparison.Ordinal);
                Assert.False(File.Exists(Path.Combine(dir, "obs.db")));
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://LOCALHOST:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://127.0.0.1:5080:5080", false)]
    [InlineData("http://example.com:5080", false)]
    public void What_Kestrel_reports_as_bound_is_judged_by_its_host(string address, bool loopback) =>
        Assert.Equal(loopback, BindingRules.IsLoopbackAddress(address));

    [Theory]
    [InlineData("--urls=http://127.0.0.1:5080:5080", "holds a colon")]
    [InlineData("--urls=http://[::ffff:127.0.0.1]:0", "IPv4-mapped")]
    [InlineData("--urls=http://0.0.0.0:0", "without an API key")]
    public async Task The_server_process_exits_2_with_the_reason(string binding, string says)
    {
        var (code, stderr) = await RunServerAsync(binding);
        Assert.Equal(2, code);
        Assert.Contains(says, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_already_taken_exits_2_with_the_reason()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, stderr) = await RunServerAsync($"--urls=http://127.0.0.1:{port}");
        Assert.Equal(2, code);
        // (Kestrel logs its own exception before giving up; the last line is the server's own reason.)
        Assert.Contains("Refusing to start: could not listen", stderr, StringComparison.Ordinal);
    }

    internal static async Task<(int Code, string Stderr)> RunServerAsync(string binding)
    {
        var dir = Directory.CreateTempSubdirectory("obs-bind-").FullName;
        try
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
            var info = new ProcessStartInfo(host) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = dir };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "ObsScaling.Server.dll"), binding, $"--ObsScaling:DatabasePath={Path.Combine(dir, "obs.db")}" })
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"the server did not refuse {binding}: it kept running. {await stdout}");
            }

            return (process.ExitCode, await stderr + await stdout);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
