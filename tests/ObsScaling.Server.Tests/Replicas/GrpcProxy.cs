using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Replicas;

/// <summary>
/// One address in front of several replicas: an in-process YARP reverse proxy set up as docs/deployment.md says
/// ("Behind a proxy"): HTTP/2 only on its own listener, h2c to the replicas with no downgrade to HTTP/1.1, round
/// robin, a long activity timeout so quiet WatchFits streams are not cut, active gRPC health probes
/// (<see cref="GrpcHealthProbe"/>) every half second and passive checks that take a replica out at its first
/// transport failure. A call whose replica dies mid-answer ends UNAVAILABLE (<see cref="GrpcUnavailableOnReset"/>).
/// </summary>
internal sealed class GrpcProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private GrpcProxy(WebApplication app, string address)
    {
        _app = app;
        Address = address;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        Client = new V1.ObsScaling.ObsScalingClient(_channel);
    }

    public string Address { get; }

    public V1.ObsScaling.ObsScalingClient Client { get; }

    /// <summary>The calls YARP could not forward to the end, with its reason (its ForwarderError and the cause).</summary>
    public IReadOnlyCollection<string> Errors { get; private init; } = [];

    public static async Task<GrpcProxy> StartAsync(IReadOnlyList<string> replicas)
    {
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var builder = WebApplication.CreateSlimBuilder();
        // YARP logs every forwarded call at Information; what the test needs to know it sees in the call statuses.
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<IProbingRequestFactory, GrpcHealthProbe>();
        // Judge the transport failure rate from the first request on (the default waits for 10 in the window).
        builder.Services.Configure<TransportFailureRateHealthPolicyOptions>(o => o.MinimalTotalCountThreshold = 1);
        builder.Services.AddReverseProxy().LoadFromMemory([Route], [Cluster(replicas)]);
        var app = builder.Build();
        app.MapReverseProxy(pipeline =>
        {
            pipeline.Use(async (context, next) =>
            {
                if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true && context.Features.Get<IHttpResetFeature>() is { } reset)
                {
                    context.Features.Set<IHttpResetFeature>(new GrpcUnavailableOnReset(context, reset));
                }

                await next();
                if (context.Features.Get<IForwarderErrorFeature>() is { } error)
                {
                    errors.Enqueue($"{context.Request.Path}: {error.Error} {error.Exception?.GetType().Name} {error.Exception?.Message}");
                    GrpcUnavailableOnReset.Answer(context);
                }
            });
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        await app.StartAsync();
        var address = app.Urls.Single();
        return new GrpcProxy(app, address) { Errors = errors };
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static RouteConfig Route => new()
    {
        RouteId = "grpc",
        ClusterId = "replicas",
        Match = new RouteMatch { Path = "{**any}" },
    };

    private static ClusterConfig Cluster(IReadOnlyList<string> replicas) => new()
    {
        ClusterId = "replicas",
        LoadBalancingPolicy = "RoundRobin",
        Destinations = replicas.Select((r, i) => (r, i)).ToDictionary(d => $"replica-{d.i}", d => new DestinationConfig { Address = d.r }),
        HttpRequest = new ForwarderRequestConfig
        {
            // gRPC needs HTTP/2 end to end; on cleartext that is h2c with prior knowledge, which only "exact" gives.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            // YARP's default (100 s without a byte either way) would cut an idle WatchFits stream.
            ActivityTimeout = TimeSpan.FromHours(1),
        },
        HealthCheck = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = TimeSpan.FromMilliseconds(500),
                Timeout = TimeSpan.FromSeconds(2),
                Policy = "ConsecutiveFailures",
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = "TransportFailureRate",
                ReactivationPeriod = TimeSpan.FromSeconds(1),
            },
        },
        Metadata = new Dictionary<string, string>
        {
            // One failed probe takes the replica out (the default waits for two), one passing one brings it back.
            [ConsecutiveFailuresHealthPolicyOptions.ThresholdMetadataName] = "1",
            // Any transport failure (connection refused, reset) counts: the rate is over the last few requests.
            [TransportFailureRateHealthPolicyOptions.FailureRateLimitMetadataName] = "0.01",
        },
    };
}
