using System.Net;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// Which listening addresses need the API key. A URL is read exactly as Kestrel reads it
/// (<see cref="Microsoft.AspNetCore.Http.BindingAddress"/>: the port is what follows the last colon, the host is
/// everything before it), so <c>http://127.0.0.1:5080:5080</c> has the host <c>127.0.0.1:5080</c>, which Kestrel
/// binds as every interface. Such a URL is refused outright, key or not: it cannot mean what it says.
/// </summary>
internal static class BindingRules
{
    /// <summary>Throws "Refusing …" for a URL Kestrel would read differently from how it looks, or a non-loopback URL without a key.</summary>
    public static void Check(string url, bool haveKey)
    {
        Microsoft.AspNetCore.Http.BindingAddress address;
        try
        {
            address = Microsoft.AspNetCore.Http.BindingAddress.Parse(url);
        }
        catch (FormatException ex)
        {
            throw Refuse($"Refusing to listen on '{url}': not a URL Kestrel can bind ({ex.Message}).");
        }

        var host = address.Host;
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (!bracketed && host.Contains(':', StringComparison.Ordinal))
        {
            throw Refuse($"Refusing to listen on '{url}': the host '{host}' holds a colon, so Kestrel would take the last number as the port and bind every interface. Write scheme://host:port with one port.");
        }

        if (IPAddress.TryParse(bracketed ? host[1..^1] : host, out var ip) && ip.IsIPv4MappedToIPv6)
        {
            // Kestrel opens an IPv6 socket for it, and binding a mapped address fails with a bare SocketException.
            throw Refuse($"Refusing to listen on '{url}': an IPv4-mapped IPv6 address cannot be bound; write http://{ip.MapToIPv4()}:{address.Port} instead.");
        }

        if (!haveKey && !IsLoopback(host))
        {
            throw Refuse($"Refusing to listen on {url} without an API key: set ObsScaling:ApiKey (or OBSSCALING__APIKEY) to serve beyond loopback.");
        }
    }

    /// <summary>True for a host Kestrel binds on loopback only: "localhost" (any case, as Kestrel compares) or a loopback IP literal.</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>True when an address Kestrel reports as bound is loopback (it reports every interface as [::] or 0.0.0.0).</summary>
    public static bool IsLoopbackAddress(string url)
    {
        try
        {
            return IsLoopback(Microsoft.AspNetCore.Http.BindingAddress.Parse(url).Host);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static InvalidOperationException Refuse(string message) => new(message);
}
