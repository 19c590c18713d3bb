using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using ObsScaling.Server.Tests.Support;

namespace ObsScaling.Server.Tests.Hosting;

/// <summary>Generic tools can find and call the service: standard health checking and server reflection over a real port.</summary>
public class DiscoveryTests
{
    [Fact]
    public async Task Reflection_lists_the_service_and_serves_its_descriptors()
    {
        await using var server = await ServerHandle.KestrelAsync();
        var reflection = new ServerReflection.ServerReflectionClient(server.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "obsscaling.v1.ObsScaling" });
        await call.RequestStream.CompleteAsync();
        var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();

        var services = responses[0].ListServicesResponse.Service.Select(s => s.Name).ToArray();
        Assert.Contains("obsscaling.v1.ObsScaling", services);
        Assert.Contains("grpc.health.v1.Health", services);
        var files = responses[1].FileDescriptorResponse.FileDescriptorProto.Select(b => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(b)).ToArray();
        var service = files.SelectMany(f => f.Service).Single(s => s.Name == "ObsScaling");
        Assert.Contains(service.Method, m => m.Name == "Forecast" && m.ClientStreaming && m.ServerStreaming);
        Assert.Contains(service.Method, m => m.Name == "ImportModels" && m.ClientStreaming && !m.ServerStreaming);
    }

    [Fact]
    public async Task Health_reports_serving()
    {
        await using var server = await ServerHandle.KestrelAsync();
        var health = new Health.HealthClient(server.Channel);
        var reply = await health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }
}
