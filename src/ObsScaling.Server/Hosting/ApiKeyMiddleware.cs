using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// When an API key is configured, every request must carry <c>authorization: Bearer &lt;key&gt;</c> (the scheme in
/// any case, as RFC 9110 makes auth schemes case-insensitive). The check runs first in the pipeline, before routing
/// to a method and before a byte of the body is read: a caller without the key gets the same UNAUTHENTICATED for a
/// method that exists, one that does not, health and reflection, and nothing it sends is parsed.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<ServerOptions> options)
{
    public const string Message = "A valid 'authorization: Bearer <api key>' header is required.";

    private readonly byte[]? _key = string.IsNullOrEmpty(options.Value.ApiKey) ? null : Encoding.UTF8.GetBytes(options.Value.ApiKey);

    public Task InvokeAsync(HttpContext context)
    {
        if (_key is null || context.Items.ContainsKey(WebSecurity.PublicPage) || Authorized(context.Request.Headers.Authorization.ToString(), _key))
        {
            return next(context);
        }

        return GrpcResponses.WriteStatusAsync(context, StatusCode.Unauthenticated, Message);
    }

    /// <summary>True when the header is "Bearer" (any case), whitespace, then exactly the key.</summary>
    public static bool Authorized(string? header, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        const string scheme = "Bearer";
        if (header is null || header.Length <= scheme.Length || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header[scheme.Length] != ' ')
        {
            return false;
        }

        var token = header[(scheme.Length + 1)..].Trim(' ');
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), key);
    }
}
