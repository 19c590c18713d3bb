using System.Management.Automation;
using Google.Rpc;
using Grpc.Core;

namespace ObsScaling.PowerShell.Session;

/// <summary>Maps gRPC statuses (with their google.rpc details) to PowerShell error records.</summary>
internal static partial class ObsErrors
{
    public static ErrorRecord FromRpc(RpcException ex, string endpoint, object? target, Func<string, IReadOnlyList<string>?>? validValues = null)
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

        // The violations as the server sent them (field: reason), for scripts; the text names the cmdlet parameters.
        var details = new List<string>();
        var lines = new List<string>();
        if (status is not null)
        {
            // A precondition failure carries the same violations as a BadRequest too: print them once.
            var bad = status.GetDetail<BadRequest>();
            var pre = status.GetDetail<PreconditionFailure>();
            var pairs = bad is { FieldViolations.Count: > 0 }
                ? bad.FieldViolations.Select(v => (v.Field, v.Description)).ToArray()
                : pre?.Violations.Select(v => (Field: v.Subject, v.Description)).ToArray() ?? [];
            details.AddRange(pairs.Select(v => $"{v.Field}: {v.Description}"));
            lines.AddRange(pairs.Select(v => Line(v.Field, v.Description, validValues)));

            if (status.GetDetail<ResourceInfo>() is { } info && !string.IsNullOrEmpty(info.ResourceName) && !message.Contains(info.ResourceName, StringComparison.Ordinal))
            {
                details.Add("resource: " + info.ResourceName);
                lines.Add("resource: " + info.ResourceName);
            }
        }

        var headline = category == ErrorCategory.ConnectionError
            ? $"Cannot reach the ObsScaling server at {endpoint}: {message}"
            : message;
        if (lines.Count > 0 && ex.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition)
        {
            // The server's message repeats every violation with its proto path; the lines below say it once, by parameter.
            headline = ex.StatusCode == StatusCode.InvalidArgument ? "Invalid input:" : "The data cannot support this analysis:";
        }

        var text = headline;
        foreach (var d in lines.Where(d => !text.Contains(d, StringComparison.Ordinal)))
        {
            text += Environment.NewLine + "  " + d;
        }

        // The exception keeps the service's own wording and field paths (for logs and scripts); the record shows the parameters.
        var contractText = category == ErrorCategory.ConnectionError ? text : message;
        foreach (var d in details.Where(d => !contractText.Contains(d, StringComparison.Ordinal)))
        {
            contractText += Environment.NewLine + "  " + d;
        }

        var exception = new ObsServiceException(contractText, ex, ex.StatusCode, endpoint, details);
        return new ErrorRecord(exception, "Obs" + id, category, target ?? endpoint)
        {
            ErrorDetails = new ErrorDetails(text),
        };
    }

    /// <summary>"-Target = 'downstreem': unknown metric. Valid values: … Did you mean 'downstream'?"</summary>
    private static string Line(string field, string description, Func<string, IReadOnlyList<string>?>? validValues)
    {
        var (display, parameter) = ParameterNames.Of(field);
        var got = GotValue().Match(description);
        var reason = got.Success ? description[..got.Index].TrimEnd() : description;
        var line = got.Success ? $"{display} = '{got.Groups[1].Value}': {reason}" : $"{display}: {reason}";
        if (parameter is not null && got.Success && validValues?.Invoke(parameter) is { Count: > 0 } valid && !valid.Contains(got.Groups[1].Value, StringComparer.Ordinal))
        {
            var near = ParameterNames.NearMisses(got.Groups[1].Value, valid);
            line += ". Valid values: " + string.Join(", ", valid.Take(12)) + (valid.Count > 12 ? $", … ({valid.Count} in all)" : "");
            if (near.Count > 0)
            {
                line += ". Did you mean " + string.Join(" or ", near.Select(n => $"'{n}'")) + "?";
            }
        }

        return line;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\(got '(.*)'\)$")]
    private static partial System.Text.RegularExpressions.Regex GotValue();

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

    /// <summary>A cmdlet parameter that cannot take effect, named as the user typed it.</summary>
    public static ErrorRecord Parameter(Model.SpecProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var text = problem.ToString();
        return new ErrorRecord(new ArgumentException(text, problem.Parameter), "ObsSpecParameterConflict", ErrorCategory.InvalidArgument, problem.Value)
        {
            ErrorDetails = new ErrorDetails(text),
        };
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
