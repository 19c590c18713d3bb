using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;
using ObsScaling.Server.Hosting;

namespace ObsScaling.Server.Web;

/// <summary>
/// The dashboard (<c>GET /</c> and its scripts and styles under <c>/ui/</c>), on the web endpoint only. The files are
/// embedded in the assembly, so the page comes with the server whatever way it was installed (a single-file publish,
/// the module's copy) and nothing is fetched from elsewhere at run time; they are plain ES modules and CSS, without a
/// build step. Every file is a separate request so that the CSP's <c>script-src 'self'</c> holds: nothing inline.
/// </summary>
internal static class DashboardPage
{
    public const string Prefix = "/ui/";

    private const string ResourcePrefix = "ObsScaling.Server.Dashboard.";

    private static readonly FrozenDictionary<string, string> MediaTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The page's files by name (index.html, dashboard.js, …), read once from the assembly.</summary>
    internal static FrozenDictionary<string, PageFile> Files { get; } = Load();

    /// <summary>A GET (or HEAD) of the page or one of its files: public, the key is not asked for.</summary>
    public static bool IsPageRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return false;
        }

        var path = request.Path.Value ?? "";
        return path == "/" || (path.StartsWith(Prefix, StringComparison.Ordinal) && Files.ContainsKey(path[Prefix.Length..]));
    }

    public static void Map(IEndpointRouteBuilder routes, WebEndpoint web)
    {
        routes.MapGet("/", (HttpContext context) => Serve(context, web, "index.html"));
        routes.MapGet(Prefix + "{file}", (HttpContext context, string file) => Serve(context, web, file));
    }

    private static IResult Serve(HttpContext context, WebEndpoint web, string name)
    {
        if (!web.Serves(context) || !Files.TryGetValue(name, out var file))
        {
            return Results.NotFound();
        }

        // Revalidated every time (a 304 is cheap on loopback) so that a new server version's page is never mixed
        // with an old cached script.
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(file.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(file.Content, file.MediaType);
    }

    private static FrozenDictionary<string, PageFile> Load()
    {
        var assembly = typeof(DashboardPage).Assembly;
        var files = new Dictionary<string, PageFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            using var stream = assembly.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"Embedded resource '{resource}' cannot be read.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var media = MediaTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            files[name] = new PageFile(content, media, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"").ToString());
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    internal sealed record PageFile(byte[] Content, string MediaType, string ETag);
}
