using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using ObsScaling.Core.Domain;
using Status = Google.Rpc.Status;

namespace ObsScaling.Server.Errors;

/// <summary>
/// Maps the engine's and the store's exceptions to google.rpc.Status with details. Only messages written for
/// clients travel; anything unexpected becomes INTERNAL with a correlation ID and no exception text.
/// </summary>
internal static class StatusMapping
{
    public static RpcException ToRpcException(Exception ex, ServerCallContext context, out bool unexpected)
    {
        unexpected = false;
        switch (ex)
        {
            case RpcException rpc:
                return rpc;
            case ObsPreconditionException pre:
                return Build(Code.FailedPrecondition, pre.Message, new PreconditionFailure
                {
                    Violations = { pre.Violations.Select(v => new PreconditionFailure.Types.Violation { Type = "DATA", Subject = v.Field, Description = $"{v.Description} (got {Quote(v.Value)})" }) },
                }, BadRequest(pre.Violations));
            case ObsValidationException bad:
                return Build(Code.InvalidArgument, bad.Message, BadRequest(bad.Violations));
            case ResourceNotFoundException nf:
                return Build(Code.NotFound, nf.Message, new ResourceInfo { ResourceType = nf.ResourceType, ResourceName = nf.ResourceName, Description = "not found" });
            case ResourceExistsException ae:
                return Build(Code.AlreadyExists, ae.Message, new ResourceInfo { ResourceType = ae.ResourceType, ResourceName = ae.ResourceName, Description = "already exists" });
            case ConflictException conflict:
                return Build(Code.Aborted, conflict.Message);
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

    public static RpcException InvalidArgument(string field, string value, string description) =>
        Build(Code.InvalidArgument, $"Invalid input: {field} = {value}: {description}", BadRequest([new FieldViolation(field, value, description)]));

    public static RpcException ResourceExhausted(string message) => Build(Code.ResourceExhausted, message);

    private static BadRequest BadRequest(IEnumerable<FieldViolation> violations) => new()
    {
        FieldViolations =
        {
            violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = $"{v.Description} (got {Quote(v.Value)})" }),
        },
    };

    private static string Quote(string value) => value.Length > 200 ? $"'{value[..200]}…'" : $"'{value}'";

    private static RpcException Build(Code code, string message, params Google.Protobuf.IMessage[] details)
    {
        var status = new Status { Code = (int)code, Message = message };
        foreach (var d in details)
        {
            status.Details.Add(Any.Pack(d));
        }

        return status.ToRpcException();
    }
}
