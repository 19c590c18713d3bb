using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ObsScaling.Server.Hosting;

namespace ObsScaling.Server.Web;

/// <summary>
/// <c>GET /healthz/ready</c> on the web endpoint: the same health checks as the gRPC health service, 200 when all are
/// healthy and 503 otherwise, with a small JSON body (each check's status and description) for people and probes.
/// </summary>
internal static class ReadinessEndpoint
{
    public const string Route = "/healthz/ready";

    public static void Map(IEndpointRouteBuilder routes, WebEndpoint web) =>
        routes.MapHealthChecks(Route, new HealthCheckOptions { ResponseWriter = WriteAsync }).Add(endpoint =>
        {
            var check = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                if (web.Serves(context))
                {
                    context.Response.Headers.CacheControl = "no-store";
                    return check(context);
                }

                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            };
        });

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new Dictionary<string, object>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => new Dictionary<string, string?> { ["status"] = e.Value.Status.ToString(), ["description"] = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}
