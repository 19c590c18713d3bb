using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// The browser-facing endpoint beside the gRPC one: HTTP/1.1 (and HTTP/2 where TLS negotiates it), bound from
/// <see cref="ServerOptions.WebUrls"/>. Kestrel tells the two apart only by the socket a request arrived on, so the
/// bound listen options are kept here and a request is "web" when its local port is one of theirs.
/// </summary>
internal sealed class WebEndpoint
{
    private readonly List<ListenOptions> _listens = [];

    /// <summary>
    /// The web URLs to bind: the configured ones; none when set to empty or "none"; the default only when the gRPC
    /// URLs are the default too, so a caller that chose its own gRPC port (tests, the module's embedded server on port 0)
    /// is not handed a fixed web port it never asked for. <paramref name="grpcUrls"/>: the gRPC URLs as the server resolved
    /// them (it lifts them out of the command line, see <see cref="ObsScalingServer.WithoutUrls"/>); else the
    /// configuration's.
    /// </summary>
    public static IReadOnlyList<string> Urls(IConfiguration configuration, string? grpcUrls = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[$"{ServerOptions.Section}:{nameof(ServerOptions.WebUrls)}"];
        if (configured is null)
        {
            return (grpcUrls ?? configuration["urls"]) is null && !configuration.GetSection("Kestrel:Endpoints").Exists() ? [ServerOptions.DefaultWebUrl] : [];
        }

        return string.Equals(configured.Trim(), "none", StringComparison.OrdinalIgnoreCase)
            ? []
            : configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public void Add(ListenOptions listen) => _listens.Add(listen);

    /// <summary>The bound web addresses (after start; a port of 0 resolved).</summary>
    public IReadOnlyList<string> Addresses() =>
        _listens.Select(l => l.IPEndPoint is { } ip ? $"http://{Host(ip)}:{ip.Port.ToString(CultureInfo.InvariantCulture)}" : l.ToString() ?? "").ToArray();

    public bool Serves(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var port = context.Connection.LocalPort;
        return _listens.Any(l => l.IPEndPoint?.Port == port);
    }

    private static string Host(IPEndPoint ip) => ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip.Address}]" : ip.Address.ToString();
}
