using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using ObsScaling.PowerShell.Session;
using ObsScaling.Server.Hosting;

namespace ObsScaling.PowerShell.Tests.Support;

/// <summary>
/// The real server over TestHost (no socket) with its own SQLite file, for test classes whose cmdlets need no port;
/// <see cref="Attach"/> points a hosted runspace's session at it.
/// </summary>
public abstract class InMemoryServer : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("obs-ps-mem-").FullName;
    private WebApplication? _app;

    public async Task InitializeAsync()
    {
        _app = ObsScalingServer.Build([$"--ObsScaling:DatabasePath={Path.Combine(_directory, "obs.db")}", "--Logging:LogLevel:Default=Warning"], b => b.WebHost.UseTestServer());
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app!.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private protected void Attach(ModuleHost host)
    {
        var channel = GrpcChannel.ForAddress("http://testhost", new GrpcChannelOptions { HttpHandler = _app!.GetTestServer().CreateHandler() });
        ObsSession.Attach(host.Runspace, channel, "testhost");
    }
}
