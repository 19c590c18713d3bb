using System.Text;
using Microsoft.Extensions.Options;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// The rules of the web endpoint, before anything else sees a web request: the headers a public page needs on every
/// answer, and, when a key is configured, the same bearer rule as gRPC (<see cref="ApiKeyMiddleware.Authorized"/>),
/// refused as HTTP 401 with a JSON google.rpc.Status a browser can read. A key in the URL is never looked at.
/// </summary>
internal sealed class WebSecurity(RequestDelegate next, WebEndpoint web, IOptions<ServerOptions> options)
{
    /// <summary>Scripts and styles from the server itself only; no framing by other sites.</summary>
    public const string ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private readonly byte[]? _key = string.IsNullOrEmpty(options.Value.ApiKey) ? null : Encoding.UTF8.GetBytes(options.Value.ApiKey);

    public Task InvokeAsync(HttpContext context)
    {
        if (!web.Serves(context))
        {
            return next(context);
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (_key is null || ApiKeyMiddleware.Authorized(context.Request.Headers.Authorization.ToString(), _key))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        headers.WWWAuthenticate = "Bearer";
        headers.CacheControl = "no-store";
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync($"{{\"code\":16,\"message\":\"{ApiKeyMiddleware.Message}\",\"details\":[]}}");
    }
}
