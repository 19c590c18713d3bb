using Grpc.Core;

namespace ObsScaling.Server.Hosting;

/// <summary>Answers a call from middleware, before grpc-dotnet sees it, as a gRPC trailers-only response.</summary>
internal static class GrpcResponses
{
    /// <summary>Writes the status as HTTP/2 headers that end the stream; the request body is never read.</summary>
    public static Task WriteStatusAsync(HttpContext context, StatusCode code, string message, int httpStatus = StatusCodes.Status200OK)
    {
        var response = context.Response;
        response.StatusCode = httpStatus;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }
}
