using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// The last word on the key rule: once Kestrel has bound, every address it reports must be loopback unless an API
/// key is configured; otherwise start-up fails (and the process exits 2). The URLs are checked before binding too
/// (<see cref="BindingRules"/>), but only what Kestrel actually bound cannot be misread.
/// </summary>
internal sealed class LoopbackGuard(IServer server, IOptions<ServerOptions> options) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.Value.ApiKey))
        {
            return Task.CompletedTask;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (!BindingRules.IsLoopbackAddress(address))
            {
                throw new InvalidOperationException($"Refusing to serve: Kestrel bound {address}, which is not loopback, and no API key is set: set ObsScaling:ApiKey (or OBSSCALING__APIKEY) to serve beyond loopback.");
            }
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
