using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using ObsScaling.Server.Hosting;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Support;

/// <summary>
/// A real server over a temporary SQLite file: in memory (TestHost) or on a loopback Kestrel port.
/// Disposing stops it and deletes the database.
/// </summary>
internal sealed class ServerHandle : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private ServerHandle(WebApplication app, string directory, GrpcChannel channel, string address)
    {
        _app = app;
        _directory = directory;
        Channel = channel;
        Address = address;
        Client = new V1.ObsScaling.ObsScalingClient(channel);
    }

    public GrpcChannel Channel { get; }

    public V1.ObsScaling.ObsScalingClient Client { get; }

    public string Address { get; }

    public string DatabasePath => Path.Combine(_directory, "obs.db");

    public IServiceProvider Services => _app.Services;

    public object App => _app;

    public static async Task<ServerHandle> InMemoryAsync(params string[] extraArgs)
    {
        var dir = NewDirectory();
        var app = ObsScalingServer.Build([$"--ObsScaling:DatabasePath={Path.Combine(dir, "obs.db")}", "--Logging:LogLevel:Default=Warning", .. extraArgs], b => b.WebHost.UseTestServer());
        await app.StartAsync();
        var handler = app.GetTestServer().CreateHandler();
        var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler, MaxReceiveMessageSize = 64 * 1024 * 1024 });
        return new ServerHandle(app, dir, channel, "http://localhost");
    }

    public static async Task<ServerHandle> KestrelAsync(params string[] extraArgs)
    {
        var dir = NewDirectory();
        var app = ObsScalingServer.Build([$"--ObsScaling:DatabasePath={Path.Combine(dir, "obs.db")}", "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. extraArgs]);
        await app.StartAsync();
        var address = ObsScalingServer.GrpcAddresses(app).Single();
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        return new ServerHandle(app, dir, channel, address);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string NewDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "obs-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
