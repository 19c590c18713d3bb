using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ObsScaling.Server.Tests.Replicas;

/// <summary>
/// When the replica under a gRPC call dies after the answer has begun (a fit's progress stream, a forecast
/// stream), YARP resets the client's HTTP/2 stream with CANCEL, which gRPC clients report as CANCELLED: a status
/// that says the client gave up, and one that retry policies rightly leave alone. This stands in for the reset
/// and ends the call with the trailers <c>grpc-status: 14</c> (UNAVAILABLE) instead, as Envoy does for an
/// upstream reset, so the client sees the truth: the server went away, try again.
/// </summary>
internal sealed class GrpcUnavailableOnReset(HttpContext context, IHttpResetFeature reset) : IHttpResetFeature
{
    /// <summary>
    /// A call YARP could not forward before the answer began gets an HTTP status of its choosing: 502 (which gRPC
    /// clients read as UNAVAILABLE) but also 400 when the replica died while the request body was being sent,
    /// which they read as INTERNAL. Either way the replica went away: answer UNAVAILABLE, trailers-only.
    /// </summary>
    public static void Answer(HttpContext context)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = "14";
        context.Response.Headers["grpc-message"] = "the replica serving this call went away; retry";
    }

    public void Reset(int errorCode)
    {
        if (context.RequestAborted.IsCancellationRequested || !context.Response.HasStarted || !context.Response.SupportsTrailers())
        {
            reset.Reset(errorCode);
            return;
        }

        context.Response.AppendTrailer("grpc-status", "14");
        context.Response.AppendTrailer("grpc-message", "the replica serving this call went away; retry");
    }
}
