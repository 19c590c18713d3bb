using System.Net;
using System.Net.Http.Headers;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace ObsScaling.Server.Tests.Replicas;

/// <summary>
/// YARP's active probe as a gRPC call: <c>grpc.health.v1.Health/Check</c> for the whole server (an empty
/// HealthCheckRequest: one uncompressed zero-length frame), over h2c like the proxied calls. YARP's default probe
/// is an HTTP GET, which a gRPC endpoint does not answer with 200. A replica that is down fails the probe at the
/// transport; one that answers NOT_SERVING still returns HTTP 200 (gRPC puts the verdict in the message), which
/// YARP's built-in policy cannot read: a proxy with native gRPC health checks (Envoy, haproxy) does.
/// </summary>
internal sealed class GrpcHealthProbe : IProbingRequestFactory
{
    private static readonly byte[] EmptyCheckRequest = [0, 0, 0, 0, 0];

    public HttpRequestMessage CreateRequest(ClusterModel cluster, DestinationModel destination)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(destination.Config.Address), "grpc.health.v1.Health/Check"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(EmptyCheckRequest),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        return request;
    }
}
