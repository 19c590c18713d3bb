using Google.Protobuf.Reflection;
using Google.Rpc;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi.Models;

namespace ObsScaling.Server.Web;

/// <summary>
/// REST/JSON over the contract's <c>google.api.http</c> annotations (Microsoft.AspNetCore.Grpc.JsonTranscoding), served
/// on the web endpoint only. The transcoder adds its routes to the same endpoint data source as the gRPC methods, so
/// Kestrel would answer them on the gRPC port too; <see cref="OnWebEndpointOnly"/> answers 404 there, as the SSE feed
/// and /metrics do. The calls pass through the same interceptors as gRPC ones, so errors carry the same status and
/// details (the transcoder writes the google.rpc.Status of <c>grpc-status-details-bin</c> as JSON).
/// </summary>
internal static class RestTranscoding
{
    /// <summary>
    /// The error details our statuses carry (BadRequest, ResourceInfo, PreconditionFailure, …) must be in the type
    /// registry: the transcoder writes them as <c>Any</c>, and without their descriptors it fails with a bare 500.
    /// </summary>
    public static void Configure(GrpcJsonTranscodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.TypeRegistry = TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor);
    }

    /// <summary>Where the OpenAPI document of the REST routes is served (web endpoint only).</summary>
    public const string OpenApiRoute = "openapi/{documentName}.json";

    /// <summary>The OpenAPI document: the transcoded routes as Grpc.Swagger describes them, from the annotations.</summary>
    public static void AddOpenApi(IServiceCollection services)
    {
        services.AddGrpcSwagger();
        services.TryAddEnumerable(Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Transient<Microsoft.AspNetCore.Mvc.ApiExplorer.IApiDescriptionProvider, OpenApiPaths>());
        services.AddSwaggerGen(o => o.SwaggerDoc("v1", new OpenApiInfo { Title = "ObsScaling REST/JSON", Version = "v1", Description = "obsscaling.v1 transcoded from its google.api.http annotations" }));
    }

    public static bool IsRest(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not null;

    /// <summary>Middleware: a transcoded route reached on the gRPC port is 404, before anything reads the body.</summary>
    public static Task OnWebEndpointOnly(HttpContext context, RequestDelegate next, Hosting.WebEndpoint web)
    {
        if (IsRest(context) && !web.Serves(context))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    }
}
