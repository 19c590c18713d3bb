using Microsoft.AspNetCore.Builder;
using ObsScaling.Server.Hosting;

namespace ObsScaling.PowerShell.Tests.Support;

/// <summary>A real ObsScaling server on a loopback Kestrel port over a temporary SQLite file, shared by a test class.</summary>
public sealed class KestrelServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "obs-ps-" + Guid.NewGuid().ToString("N")[..10]);
    private WebApplication? _app;

    public string Address { get; private set; } = "";

    /// <summary>Extra server arguments (e.g. an API key); set by derived fixtures.</summary>
    internal string[] ExtraArgs { get; init; } = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _app = ObsScalingServer.Build(["--urls=http://127.0.0.1:0", $"--ObsScaling:DatabasePath={Path.Combine(_directory, "obs.db")}", "--Logging:LogLevel:Default=Warning", .. ExtraArgs]);
        await _app.StartAsync();
        Address = ObsScalingServer.BoundAddresses(_app).Single();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A module host connected to this server.</summary>
    internal ModuleHost Connect(string? apiKey = null)
    {
        var host = new ModuleHost();
        host.RunClean("Connect-ObsServer -Endpoint $address -ApiKey $key | Out-Null", new Dictionary<string, object?> { ["address"] = Address, ["key"] = apiKey });
        return host;
    }
}

/// <summary>A server that requires an API key.</summary>
public sealed class KeyedKestrelServer : IAsyncLifetime
{
    public const string Key = "test-key-0123456789";

    public KestrelServer Server { get; } = new() { ExtraArgs = [$"--ObsScaling:ApiKey={Key}"] };

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}
