using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace ObsScaling.Server.Hosting;

/// <summary>When an API key is configured, every call must carry <c>authorization: Bearer &lt;key&gt;</c>.</summary>
internal sealed class ApiKeyInterceptor(IOptions<ServerOptions> options) : Interceptor
{
    private readonly byte[]? _key = string.IsNullOrEmpty(options.Value.ApiKey) ? null : Encoding.UTF8.GetBytes(options.Value.ApiKey);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (_key is null)
        {
            return;
        }

        var header = context.RequestHeaders.GetValue("authorization");
        const string prefix = "Bearer ";
        if (header is null || !header.StartsWith(prefix, StringComparison.Ordinal) ||
            !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[prefix.Length..]), _key))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "A valid 'authorization: Bearer <api key>' header is required."));
        }
    }
}
