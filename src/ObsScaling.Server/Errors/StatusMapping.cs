using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using ObsScaling.Core.Domain;
using Status = Google.Rpc.Status;

namespace ObsScaling.Server.Errors;

/// <summary>
/// Maps the engine's and the store's exceptions to google.rpc.Status with details. Only messages written for
/// clients travel; anything unexpected becomes INTERNAL with a correlation ID and no exception text.
/// Every status is bounded in bytes: unary errors travel in the response headers, and grpc-core clients refuse
/// headers over 8 KB ("received initial metadata size exceeds limit") instead of showing the error; 200,000 bad
/// values once made a 23 MB trailer. So the message, each value and description are truncated, and violation
/// lists stop at <see cref="MaxViolations"/> entries or <see cref="MaxDetailBytes"/> bytes with a last entry
/// saying how many were left out.
/// </summary>
internal static class StatusMapping
{
    /// <summary>Most violations listed in one status.</summary>
    public const int MaxViolations = 100;

    /// <summary>Budget of the serialized details (base64 in the trailer adds a third).</summary>
    public const int MaxDetailBytes = 4096;

    /// <summary>Longest status message, in characters (grpc-message percent-encodes, so up to three bytes each).</summary>
    public const int MaxMessageChars = 512;

    private const int MaxValueChars = 100;
    private const int MaxDescriptionChars = 300;

    public static RpcException ToRpcException(Exception ex, ServerCallContext context, out bool unexpected)
    {
        unexpected = false;
        switch (ex)
        {
            case RpcException rpc:
                return Bounded(rpc);
            case ObsPreconditionException pre:
                return Build(Code.FailedPrecondition, pre.Message, PreconditionFailure(pre.Violations), BadRequest(pre.Violations));
            case ObsValidationException bad:
                return Build(Code.InvalidArgument, bad.Message, BadRequest(bad.Violations));
            case ResourceNotFoundException nf:
                return Build(Code.NotFound, nf.Message, new ResourceInfo { ResourceType = nf.ResourceType, ResourceName = Truncate(nf.ResourceName, MaxDescriptionChars), Description = "not found" });
            case ResourceExistsException ae:
                return Build(Code.AlreadyExists, ae.Message, new ResourceInfo { ResourceType = ae.ResourceType, ResourceName = Truncate(ae.ResourceName, MaxDescriptionChars), Description = "already exists" });
            case ConflictException conflict:
                return Build(Code.Aborted, conflict.Message);
            case StoreUnavailableException down:
                return Build(Code.Unavailable, down.Message);
            // The server's deadline timer can fire a few milliseconds before the clock reads the deadline.
            case OperationCanceledException when context.Deadline <= DateTime.UtcNow.AddMilliseconds(50):
                return Build(Code.DeadlineExceeded, "The deadline expired before the work finished.");
            case OperationCanceledException:
                return Build(Code.Cancelled, "The call was cancelled.");
            default:
                unexpected = true;
                var id = Guid.NewGuid().ToString("N")[..12];
                context.UserState["error_id"] = id;
                return Build(Code.Internal, $"Internal error (reference {id}).", new ErrorInfo { Reason = "INTERNAL", Domain = "obsscaling.dev", Metadata = { ["reference"] = id } });
        }
    }

    /// <summary>
    /// The status a client-facing exception maps to, as a message (the web endpoint answers it as JSON); null for
    /// anything else, which the caller treats as unexpected. None of these kinds reads the call context.
    /// </summary>
    public static Status? KnownStatus(Exception ex) =>
        ex is ObsPreconditionException or ObsValidationException or ResourceNotFoundException or ResourceExistsException or ConflictException
            ? ToRpcException(ex, null!, out _).GetRpcStatus()
            : null;

    public static RpcException InvalidArgument(string field, string value, string description) =>
        Build(Code.InvalidArgument, $"Invalid input: {field} = {value}: {description}", BadRequest([new FieldViolation(field, value, description)]));

    /// <summary>INVALID_ARGUMENT with one violation per problem, for checks that run outside a handler.</summary>
    public static RpcException InvalidArgument(ObsValidationException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return Build(Code.InvalidArgument, ex.Message, BadRequest(ex.Violations));
    }

    public static RpcException ResourceExhausted(string message) => Build(Code.ResourceExhausted, message);

    private static BadRequest BadRequest(IReadOnlyList<FieldViolation> violations)
    {
        var request = new BadRequest();
        Fill(request.FieldViolations, violations, v => new BadRequest.Types.FieldViolation { Field = Truncate(v.Field, MaxValueChars), Description = Describe(v) },
            left => new BadRequest.Types.FieldViolation { Field = "", Description = $"… and {left} more problems not listed" });
        return request;
    }

    private static PreconditionFailure PreconditionFailure(IReadOnlyList<FieldViolation> violations)
    {
        var failure = new PreconditionFailure();
        Fill(failure.Violations, violations, v => new PreconditionFailure.Types.Violation { Type = "DATA", Subject = Truncate(v.Field, MaxValueChars), Description = Describe(v) },
            left => new PreconditionFailure.Types.Violation { Type = "DATA", Subject = "", Description = $"… and {left} more problems not listed" });
        return failure;
    }

    /// <summary>Adds entries until the count or the byte budget runs out; the last entry then says how many were left out.</summary>
    private static void Fill<T>(ICollection<T> target, IReadOnlyList<FieldViolation> violations, Func<FieldViolation, T> entry, Func<int, T> omitted)
        where T : Google.Protobuf.IMessage
    {
        var bytes = 0;
        for (var i = 0; i < violations.Count; i++)
        {
            var item = entry(violations[i]);
            var size = item.CalculateSize() + 3;
            if (target.Count == MaxViolations || bytes + size > MaxDetailBytes - 64)
            {
                target.Add(omitted(violations.Count - i));
                return;
            }

            bytes += size;
            target.Add(item);
        }
    }

    private static string Describe(FieldViolation v) => $"{Truncate(v.Description, MaxDescriptionChars)} (got {Quote(v.Value)})";

    private static string Quote(string value) => $"'{Truncate(value, MaxValueChars)}'";

    /// <summary>At most <paramref name="max"/> characters, control characters escaped so they cannot forge lines.</summary>
    private static string Truncate(string text, int max)
    {
        var escaped = Hosting.RequestText.Escape(text);
        return escaped.Length <= max ? escaped : escaped[..max] + "…";
    }

    /// <summary>A status raised elsewhere (grpc-dotnet, the key check), with its message held to the same bound.</summary>
    private static RpcException Bounded(RpcException rpc) =>
        rpc.Status.Detail.Length <= MaxMessageChars && !rpc.Status.Detail.Any(Hosting.RequestText.IsControl)
            ? rpc
            : new RpcException(new global::Grpc.Core.Status(rpc.StatusCode, Truncate(rpc.Status.Detail, MaxMessageChars)), rpc.Trailers);

    private static RpcException Build(Code code, string message, params Google.Protobuf.IMessage[] details)
    {
        var status = new Status { Code = (int)code, Message = Truncate(message, MaxMessageChars) };
        foreach (var d in details)
        {
            status.Details.Add(Any.Pack(d));
        }

        return status.ToRpcException();
    }
}
