using System.Text;
using Microsoft.Extensions.Options;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// The rules of the web endpoint, before anything else sees a web request: the headers a public page needs on every
/// answer, and, when a key is configured, the same bearer rule as gRPC (<see cref="ApiKeyMiddleware.Authorized"/>) for everything but the page's own files,
/// refused as HTTP 401 with a JSON google.rpc.Status a browser can read. A key in the URL is never looked at.
/// </summary>
internal sealed class WebSecurity(RequestDelegate next, WebEndpoint web, IOptions<ServerOptions> options)
{
    /// <summary>Scripts and styles from the server itself only; no framing by other sites.</summary>
    public const string ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Set on a request for the dashboard's own files, which <see cref="ApiKeyMiddleware"/> then lets through too.</summary>
    public const string PublicPage = "ObsScaling.PublicPage";

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
        // The page and its scripts are public: a browser cannot send a header when it navigates, and the page is where
        // the user types the key that every data request then carries.
        if (Web.DashboardPage.IsPageRequest(context.Request))
        {
            context.Items[PublicPage] = true;
            return next(context);
        }

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
