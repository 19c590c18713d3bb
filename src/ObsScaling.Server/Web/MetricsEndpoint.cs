using ObsScaling.Server.Hosting;
using Prometheus;

namespace ObsScaling.Server.Web;

/// <summary><c>GET /metrics</c> in the Prometheus text format, on the web endpoint only (the gRPC port speaks HTTP/2 alone).</summary>
internal static class MetricsEndpoint
{
    public const string Route = "/metrics";

    public static void Map(IEndpointRouteBuilder routes, WebEndpoint web, CollectorRegistry registry) =>
        routes.MapMetrics(Route, registry).Add(endpoint =>
        {
            var scrape = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                if (web.Serves(context))
                {
                    return scrape(context);
                }

                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            };
        });
}
