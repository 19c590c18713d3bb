using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using ObsScaling.Server.Errors;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// Binds every gRPC service as grpc-dotnet's own binder does (through the generated <c>BindService</c>), except
/// that a single request message that is not valid protobuf becomes INVALID_ARGUMENT. grpc-dotnet parses unary
/// and server-streaming requests before any interceptor runs, and a parser exception there would otherwise reach
/// the client as UNKNOWN ("Exception was thrown by handler."). A request holding control characters in any string is
/// refused here too (<see cref="RequestText"/>). Messages of request streams are parsed inside the
/// handler, where <see cref="CallInterceptor"/> names their position.
/// </summary>
internal sealed class CheckedServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var bind = BindMethod(typeof(TService));
        if (bind is null)
        {
            return;
        }

        bind.Invoke(null, [new Binder(context), null]);
    }

    /// <summary>The static <c>BindService(ServiceBinderBase, TBase)</c> named by the service's <see cref="BindServiceMethodAttribute"/>.</summary>
    private static MethodInfo? BindMethod(Type service)
    {
        for (var t = service; t is not null; t = t.BaseType)
        {
            if (t.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                    .Single(m => m.Name == attribute.BindMethodName && m.GetParameters() is { Length: 2 } p && p[0].ParameterType == typeof(ServiceBinderBase));
            }
        }

        return null;
    }

    private static Method<TRequest, TResponse> CheckRequests<TRequest, TResponse>(Method<TRequest, TResponse> method)
    {
        var inner = method.RequestMarshaller;
        var checkedRequests = Marshallers.Create<TRequest>(inner.ContextualSerializer, context =>
        {
            TRequest request;
            try
            {
                request = inner.ContextualDeserializer(context);
            }
            catch (InvalidProtocolBufferException)
            {
                throw StatusMapping.InvalidArgument("request", "", $"not a valid {typeof(TRequest).Name} message (malformed protobuf)");
            }

            try
            {
                if (request is IMessage message)
                {
                    RequestText.Check(message);
                }
            }
            catch (ObsScaling.Core.Domain.ObsValidationException bad)
            {
                throw StatusMapping.InvalidArgument(bad);
            }

            return request;
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, checkedRequests, method.ResponseMarshaller);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(CheckRequests(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<ServerStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(CheckRequests(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<ClientStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(method, metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(method, metadata, invoker);
        }

        /// <summary>An open-instance delegate to the service's implementation, with the metadata grpc-dotnet would attach.</summary>
        private static (TDelegate Invoker, List<object> Metadata) Handler<TDelegate>(string name, params Type[] parameters)
            where TDelegate : Delegate
        {
            var method = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
                ?? throw new InvalidOperationException($"{typeof(TService).Name} has no method {name}");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(method.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), method), metadata);
        }
    }
}
