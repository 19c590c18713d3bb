namespace ObsScaling.Server.Hosting;

/// <summary>
/// The web endpoint's CORS rule (<see cref="ServerOptions.CorsOrigins"/>): the origins listed, exactly, and nothing
/// else. A wildcard is refused: with the key sent as a bearer header any page that got hold of it could then read
/// everything, so each origin is named on purpose. Preflights carry no Authorization header by the standard: ASP.NET
/// Core's CORS middleware, first on the web endpoint, answers them (204, with the allow headers only for a listed origin)
/// before the key checks.
/// </summary>
internal static class CorsOrigins
{
    public const string PolicyName = "ObsScaling.Web";

    private static readonly string Key = $"{ServerOptions.Section}:{nameof(ServerOptions.CorsOrigins)}";

    /// <summary>
    /// What a page may send: the key, JSON bodies, the feed's resume point and gRPC-Web's own headers.
    /// </summary>
    private static readonly string[] RequestHeaders = ["authorization", "content-type", "last-event-id", "x-grpc-web", "x-user-agent", "grpc-timeout"];

    /// <summary>gRPC-Web puts the status in headers when a call fails before its body; a page must be able to read them.</summary>
    private static readonly string[] ResponseHeaders = ["grpc-status", "grpc-message", "grpc-status-details-bin", "grpc-encoding", "grpc-accept-encoding"];

    /// <summary>The configured origins, normalised to <c>scheme://host[:port]</c> (lower case, default port left out).</summary>
    public static IReadOnlyList<string> Parse(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return [];
        }

        var origins = new List<string>();
        foreach (var value in configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (value == "*")
            {
                throw new InvalidOperationException($"Refusing to start: {Key} value '*' is not accepted; list each origin that may call the server (e.g. https://dash.example.org).");
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.PathAndQuery != "/" || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 || value.EndsWith('/'))
            {
                throw new InvalidOperationException($"Refusing to start: {Key} value '{value}' is not an origin: write scheme://host[:port] (http or https, no path, no trailing slash).");
            }

            origins.Add(uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        return origins.Distinct(StringComparer.Ordinal).ToArray();
    }

    public static void Register(IServiceCollection services, IReadOnlyList<string> origins)
    {
        services.AddCors(o => o.AddPolicy(PolicyName, p => p
            .WithOrigins([.. origins])
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Delete)
            .WithHeaders(RequestHeaders)
            .WithExposedHeaders(ResponseHeaders)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
    }
}
