using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using ObsScaling.Server.Errors;
using Status = Google.Rpc.Status;

namespace ObsScaling.Server.Web;

/// <summary>
/// Errors of the web endpoint: the same google.rpc.Status (with its details) a gRPC client gets, as proto3 JSON,
/// under the HTTP status that google.rpc's code mapping gives (NOT_FOUND 404, INVALID_ARGUMENT 400, …).
/// </summary>
internal static class JsonStatus
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithTypeRegistry(TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor)));

    public static string Format(Status status) => Formatter.Format(status);

    /// <summary>Writes the status of a client-facing exception; anything else is rethrown to the host (a 500 without text).</summary>
    public static Task WriteAsync(HttpContext context, Exception ex)
    {
        ArgumentNullException.ThrowIfNull(context);
        var status = StatusMapping.KnownStatus(ex);
        if (status is null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex);
        }

        return WriteAsync(context, status);
    }

    public static Task WriteAsync(HttpContext context, Status status)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(status);
        context.Response.StatusCode = HttpStatus((Code)status.Code);
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(Format(status), context.RequestAborted);
    }

    /// <summary>google.rpc.Code → HTTP, as in google/rpc/code.proto.</summary>
    public static int HttpStatus(Code code) => code switch
    {
        Code.Ok => StatusCodes.Status200OK,
        Code.Cancelled => 499,
        Code.InvalidArgument or Code.FailedPrecondition or Code.OutOfRange => StatusCodes.Status400BadRequest,
        Code.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        Code.NotFound => StatusCodes.Status404NotFound,
        Code.AlreadyExists or Code.Aborted => StatusCodes.Status409Conflict,
        Code.PermissionDenied => StatusCodes.Status403Forbidden,
        Code.Unauthenticated => StatusCodes.Status401Unauthorized,
        Code.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        Code.Unimplemented => StatusCodes.Status501NotImplemented,
        Code.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };
}
