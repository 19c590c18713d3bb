using Grpc.Core;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Calls any method of the service with bytes instead of messages, as a client with its own (broken) encoder would:
/// the bytes reach the server's parser unchanged.
/// </summary>
internal static class RawCalls
{
    public const string Service = "obsscaling.v1.ObsScaling";

    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);

    /// <summary>Statuses the server may answer to anything a client sends; the others mean a fault of ours.</summary>
    public static readonly IReadOnlySet<StatusCode> Acceptable = new HashSet<StatusCode>
    {
        StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.AlreadyExists, StatusCode.FailedPrecondition,
        StatusCode.Aborted, StatusCode.ResourceExhausted, StatusCode.DeadlineExceeded, StatusCode.OutOfRange,
    };

    /// <summary>Every method of obsscaling.v1.ObsScaling with its kind, from the generated descriptor.</summary>
    public static IReadOnlyList<(string Name, MethodType Type)> Methods { get; } =
        V1.ObsscalingReflection.Descriptor.Services.Single().Methods
            .Select(m => (m.Name, m.IsClientStreaming ? (m.IsServerStreaming ? MethodType.DuplexStreaming : MethodType.ClientStreaming) : (m.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary)))
            .ToArray();

    /// <summary>Sends the messages (one for unary and server-streaming methods), reads every answer, and returns the status.</summary>
    public static async Task<Status> CallAsync(CallInvoker invoker, string name, IReadOnlyList<byte[]> messages, TimeSpan timeout) =>
        (await FailureAsync(invoker, name, messages, timeout))?.Status ?? Status.DefaultSuccess;

    /// <summary>As <see cref="CallAsync"/>, but the whole failure (with its trailers and rich details), or null on success.</summary>
    public static async Task<RpcException?> FailureAsync(CallInvoker invoker, string name, IReadOnlyList<byte[]> messages, TimeSpan timeout)
    {
        var type = Methods.Single(m => m.Name == name).Type;
        var method = new Method<byte[], byte[]>(type, Service, name, Raw, Raw);
        var options = new CallOptions(deadline: DateTime.UtcNow + timeout);
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(method, null, options, messages[0]);
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(method, null, options, messages[0]))
                    {
                        while (await call.ResponseStream.MoveNext())
                        {
                        }
                    }

                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(method, null, options))
                    {
                        await WriteAllAsync(call.RequestStream, messages);
                        await call.ResponseAsync;
                    }

                    break;
                default:
                    using (var call = invoker.AsyncDuplexStreamingCall(method, null, options))
                    {
                        await WriteAllAsync(call.RequestStream, messages);
                        while (await call.ResponseStream.MoveNext())
                        {
                        }
                    }

                    break;
            }

            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    private static async Task WriteAllAsync(IClientStreamWriter<byte[]> stream, IReadOnlyList<byte[]> messages)
    {
        try
        {
            foreach (var m in messages)
            {
                await stream.WriteAsync(m);
            }

            await stream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server answered before reading everything: the call's status says why.
        }
        catch (InvalidOperationException)
        {
        }
    }
}
