using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// Counts and times every gRPC call by method and final status. It runs outside <see cref="CallInterceptor"/>, so
/// it sees the status that interceptor mapped an exception to (the one the client gets).
/// </summary>
internal sealed class MetricsInterceptor(ServerMetrics metrics) : Interceptor
{
    private const string WatchFits = "WatchFits";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            Done(context, start, StatusCode.OK);
            return response;
        }
        catch (RpcException ex)
        {
            Done(context, start, ex.StatusCode);
            throw;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        using var stream = Stream(context);
        try
        {
            var response = await continuation(requestStream, context).ConfigureAwait(false);
            Done(context, start, StatusCode.OK);
            Imported(context, response);
            return response;
        }
        catch (RpcException ex)
        {
            Done(context, start, ex.StatusCode);
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        using var stream = Stream(context);
        var (_, method) = Split(context.Method);
        using var watch = method == WatchFits ? new GaugeScope(metrics.Watchers.WithLabels("grpc")) : null;
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            Done(context, start, StatusCode.OK);
            if (method == "CreateFit")
            {
                metrics.FitsCreated.Inc();
            }
        }
        catch (RpcException ex)
        {
            Done(context, start, ex.StatusCode);
            throw;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        using var stream = Stream(context);
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
            Done(context, start, StatusCode.OK);
        }
        catch (RpcException ex)
        {
            Done(context, start, ex.StatusCode);
            throw;
        }
    }

    /// <summary>"/obsscaling.v1.ObsScaling/CreateFit" → ("obsscaling.v1.ObsScaling", "CreateFit").</summary>
    internal static (string Service, string Method) Split(string fullName)
    {
        var slash = fullName.LastIndexOf('/');
        return slash <= 0 ? ("", fullName.TrimStart('/')) : (fullName[1..slash], fullName[(slash + 1)..]);
    }

    private GaugeScope Stream(ServerCallContext context)
    {
        var (service, method) = Split(context.Method);
        return new GaugeScope(metrics.Streams.WithLabels(service, method));
    }

    private void Done(ServerCallContext context, long start, StatusCode code)
    {
        var (service, method) = Split(context.Method);
        var status = code.ToString();
        metrics.Calls.WithLabels(service, method, status).Inc();
        metrics.CallSeconds.WithLabels(service, method, status).Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    private void Imported<TResponse>(ServerCallContext context, TResponse response)
    {
        var (_, method) = Split(context.Method);
        switch (response)
        {
            case V1.ImportModelsResponse models:
                metrics.Imports.WithLabels(method).Inc();
                metrics.ModelsImported.Inc(models.ModelsAdded + models.ModelsReplaced);
                break;
            case V1.ImportFilesResponse files:
                metrics.Imports.WithLabels(method).Inc();
                metrics.ModelsImported.Inc(files.ModelsAdded + files.ModelsReplaced);
                break;
        }
    }
}
