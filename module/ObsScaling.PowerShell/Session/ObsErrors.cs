using System.Management.Automation;
using Google.Rpc;
using Grpc.Core;

namespace ObsScaling.PowerShell.Session;

/// <summary>Maps gRPC statuses (with their google.rpc details) to PowerShell error records.</summary>
internal static class ObsErrors
{
    public static ErrorRecord FromRpc(RpcException ex, string endpoint, object? target)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var status = ex.GetRpcStatus();
        var message = status?.Message is { Length: > 0 } m ? m : ex.Status.Detail;
        var (category, id) = ex.StatusCode switch
        {
            StatusCode.InvalidArgument or StatusCode.OutOfRange => (ErrorCategory.InvalidArgument, "InvalidArgument"),
            StatusCode.NotFound => (ErrorCategory.ObjectNotFound, "NotFound"),
            StatusCode.AlreadyExists => (ErrorCategory.ResourceExists, "AlreadyExists"),
            StatusCode.FailedPrecondition => (ErrorCategory.InvalidOperation, "FailedPrecondition"),
            StatusCode.Aborted => (ErrorCategory.InvalidOperation, "Aborted"),
            StatusCode.Unauthenticated => (ErrorCategory.AuthenticationError, "Unauthenticated"),
            StatusCode.PermissionDenied => (ErrorCategory.PermissionDenied, "PermissionDenied"),
            StatusCode.ResourceExhausted => (ErrorCategory.LimitsExceeded, "ResourceExhausted"),
            StatusCode.Unavailable => (ErrorCategory.ConnectionError, "Unavailable"),
            StatusCode.DeadlineExceeded => (ErrorCategory.OperationTimeout, "DeadlineExceeded"),
            StatusCode.Cancelled => (ErrorCategory.OperationStopped, "Cancelled"),
            StatusCode.Unimplemented => (ErrorCategory.NotImplemented, "Unimplemented"),
            _ => (ErrorCategory.NotSpecified, ex.StatusCode.ToString()),
        };

        var details = new List<string>();
        if (status is not null)
        {
            if (status.GetDetail<BadRequest>() is { } bad)
            {
                details.AddRange(bad.FieldViolations.Select(v => $"{v.Field}: {v.Description}"));
            }

            if (status.GetDetail<PreconditionFailure>() is { } pre)
            {
                details.AddRange(pre.Violations.Select(v => $"{v.Subject}: {v.Description}"));
            }

            if (status.GetDetail<ResourceInfo>() is { } info && !string.IsNullOrEmpty(info.ResourceName) && !message.Contains(info.ResourceName, StringComparison.Ordinal))
            {
                details.Add("resource: " + info.ResourceName);
            }
        }

        var text = category == ErrorCategory.ConnectionError
            ? $"Cannot reach the ObsScaling server at {endpoint}: {message}"
            : message;
        foreach (var d in details.Where(d => !text.Contains(d, StringComparison.Ordinal)))
        {
            text += Environment.NewLine + "  " + d;
        }

        var exception = new ObsServiceException(text, ex, ex.StatusCode, endpoint, details);
        return new ErrorRecord(exception, "Obs" + id, category, target ?? endpoint)
        {
            ErrorDetails = new ErrorDetails(text),
        };
    }

    public static ErrorRecord Connection(Exception ex, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var text = $"Cannot reach the ObsScaling server at {endpoint}: {ex.Message}";
        return new ErrorRecord(new ObsServiceException(text, ex, StatusCode.Unavailable, endpoint, []), "ObsConnectionFailed", ErrorCategory.ConnectionError, endpoint);
    }

    public static ErrorRecord InvalidArgument(string field, object? value, string reason, string id = "ObsInvalidArgument")
    {
        var text = $"{field} = '{value}': {reason}";
        return new ErrorRecord(new ArgumentException(text, field), id, ErrorCategory.InvalidArgument, value);
    }

    public static ErrorRecord NotFound(string what, object target) =>
        new(new ItemNotFoundException(what), "ObsNotFound", ErrorCategory.ObjectNotFound, target);
}

/// <summary>A failed call to the ObsScaling service: the gRPC status code, the endpoint and the field violations.</summary>
public sealed class ObsServiceException : Exception
{
    public ObsServiceException()
    {
        Endpoint = "";
        Violations = [];
    }

    public ObsServiceException(string message)
        : base(message)
    {
        Endpoint = "";
        Violations = [];
    }

    public ObsServiceException(string message, Exception innerException)
        : base(message, innerException)
    {
        Endpoint = "";
        Violations = [];
    }

    internal ObsServiceException(string message, Exception inner, StatusCode statusCode, string endpoint, IReadOnlyList<string> violations)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Endpoint = endpoint;
        Violations = violations;
    }

    public StatusCode StatusCode { get; }

    public string Endpoint { get; }

    /// <summary>"field: reason" for every field violation the server reported.</summary>
    public IReadOnlyList<string> Violations { get; }
}
