using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Errors;

/// <summary>One in-memory server shared by a test class; each test works in datasets of its own.</summary>
public sealed class SharedServer : IAsyncLifetime
{
    private ServerHandle? _server;

    internal ServerHandle Server => _server ?? throw new InvalidOperationException("not started");

    internal V1.ObsScaling.ObsScalingClient Client => Server.Client;

    public async Task InitializeAsync() => _server = await ServerHandle.InMemoryAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
