using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using ObsScaling.Server.Errors;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// Every call passes through here: exceptions become rich statuses, and one structured log line records
/// method, dataset, duration and status.
/// </summary>
internal sealed partial class CallInterceptor(ILogger<CallInterceptor> logger, CallDiagnostics diagnostics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        using var active = diagnostics.Enter(context.Method);
        try
        {
            CheckTranscoded(request, context);
            var response = await continuation(request, context).ConfigureAwait(false);
            Log(context, start, StatusCode.OK, null);
            return response;
        }
        catch (Exception ex)
        {
            throw Fail(ex, context, start);
        }
        finally
        {
            RecordOverrun(context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        using var active = diagnostics.Enter(context.Method);
        try
        {
            var response = await continuation(new CheckedReader<TRequest>(requestStream), context).ConfigureAwait(false);
            Log(context, start, StatusCode.OK, null);
            return response;
        }
        catch (Exception ex)
        {
            throw Fail(ex, context, start);
        }
        finally
        {
            RecordOverrun(context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        using var active = diagnostics.Enter(context.Method);
        try
        {
            CheckTranscoded(request, context);
            await continuation(request, responseStream, context).ConfigureAwait(false);
            Log(context, start, StatusCode.OK, null);
        }
        catch (Exception ex)
        {
            throw Fail(ex, context, start);
        }
        finally
        {
            RecordOverrun(context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        using var active = diagnostics.Enter(context.Method);
        try
        {
            await continuation(new CheckedReader<TRequest>(requestStream), responseStream, context).ConfigureAwait(false);
            Log(context, start, StatusCode.OK, null);
        }
        catch (Exception ex)
        {
            throw Fail(ex, context, start);
        }
        finally
        {
            RecordOverrun(context);
        }
    }

    /// <summary>
    /// A request that came as JSON (REST transcoding) never passed the gRPC marshaller that refuses control characters
    /// in every string (<see cref="CheckedServiceMethodProvider{TService}"/>), so it is checked here; a gRPC request
    /// was checked as it was read and is not walked twice.
    /// </summary>
    private static void CheckTranscoded<TRequest>(TRequest request, ServerCallContext context)
    {
        var contentType = context.GetHttpContext().Request.ContentType;
        if (request is Google.Protobuf.IMessage message && (contentType is null || !contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)))
        {
            RequestText.Check(message);
        }
    }

    /// <summary>
    /// A handler that ends after its deadline however it ends (DEADLINE_EXCEEDED, a cancellation from a progress write
    /// after the call ended, or a handler that returns quietly) kept working that long after the client was told.
    /// </summary>
    private void RecordOverrun(ServerCallContext context)
    {
        var now = DateTime.UtcNow;
        if (context.Deadline != DateTime.MaxValue && now > context.Deadline)
        {
            diagnostics.RecordDeadlineOverrun(context.Method, now - context.Deadline);
        }
    }

    private RpcException Fail(Exception ex, ServerCallContext context, long start)
    {
        var rpc = StatusMapping.ToRpcException(ex, context, out var unexpected);
        if (unexpected)
        {
            diagnostics.RecordUnexpected();
            LogUnexpected(logger, ex, context.Method, context.UserState.TryGetValue("error_id", out var id) ? id : null);
        }

        Log(context, start, rpc.StatusCode, rpc.Status.Detail);
        return rpc;
    }

    private void Log(ServerCallContext context, long start, StatusCode status, string? detail)
    {
        var dataset = context.UserState.TryGetValue("dataset", out var d) ? d as string : null;
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        // Escaped: a name with a line break in a message must not forge a log line.
        var escapedDataset = RequestText.Escape(dataset ?? "-");
        if (status == StatusCode.OK)
        {
            LogCall(logger, context.Method, escapedDataset, ms, status);
        }
        else
        {
            var escapedDetail = RequestText.Escape(detail ?? "");
            LogFailedCall(logger, context.Method, escapedDataset, ms, status, escapedDetail);
        }
    }

    /// <summary>
    /// A request stream whose messages that are not valid protobuf become INVALID_ARGUMENT naming their position,
    /// instead of an unexpected error (the parser's text stays on the server).
    /// </summary>
    private sealed class CheckedReader<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
    {
        private int _index;

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                var more = await inner.MoveNext(cancellationToken).ConfigureAwait(false);
                if (more && inner.Current is Google.Protobuf.IMessage message)
                {
                    RequestText.Check(message, $"messages[{_index}].");
                }

                _index++;
                return more;
            }
            catch (Google.Protobuf.InvalidProtocolBufferException)
            {
                throw StatusMapping.InvalidArgument($"messages[{_index}]", "", $"not a valid {typeof(T).Name} message (malformed protobuf)");
            }
            catch (IOException ex)
            {
                // The client reset the stream (it went away, or gave up): a cancellation, not a failure of ours. The
                // reset can reach the reader before the call's own token is cancelled.
                throw new OperationCanceledException("The client reset the request stream.", ex, cancellationToken);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "call {Method} dataset={Dataset} duration_ms={DurationMs:F2} status={Status}")]
    private static partial void LogCall(ILogger logger, string method, string dataset, double durationMs, StatusCode status);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "call {Method} dataset={Dataset} duration_ms={DurationMs:F2} status={Status} detail={Detail}")]
    private static partial void LogFailedCall(ILogger logger, string method, string dataset, double durationMs, StatusCode status, string detail);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "unexpected error in {Method} (reference {Reference})")]
    private static partial void LogUnexpected(ILogger logger, Exception ex, string method, object? reference);
}
