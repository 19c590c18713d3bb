using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.AspNetCore.Builder;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Web;

/// <summary>
/// gRPC-Web on the web endpoint, called over HTTP/1.1 by grpc-dotnet's gRPC-Web handler as a browser's client would:
/// unary calls, WatchFits streaming a refit, rich errors, and the key rule.
/// </summary>
public sealed class GrpcWebTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task WatchFits_over_gRPC_Web_streams_the_refit_of_an_append(GrpcWebMode mode)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        var zoo = Rpc.SmallZoo(families: 5, perFamily: 5);
        var late = zoo.Models[^1];
        await Uploads.ImportAsync(server.Client, "zoo", new ModelSet(zoo.Models.Take(zoo.Count - 1).ToArray(), zoo.OrderedMetrics()), V1.ImportMode.Create);
        var fit = await Uploads.FitAsync(server.Client, "zoo", Rpc.DownstreamSpec(), "law");

        using var channel = WebChannel(server, mode);
        var web = new V1.ObsScaling.ObsScalingClient(channel);
        var listed = await web.ListDatasetsAsync(new V1.ListDatasetsRequest(), cancellationToken: timeout.Token);
        Assert.Equal("datasets/zoo", Assert.Single(listed.Datasets).Name);
        Assert.Equal(fit, await web.GetFitAsync(new V1.GetFitRequest { Name = fit.Name }, cancellationToken: timeout.Token));

        using var watch = web.WatchFits(new V1.WatchFitsRequest { Dataset = "zoo", SendInitial = true }, cancellationToken: timeout.Token);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(("initial", fit), (watch.ResponseStream.Current.Reason, watch.ResponseStream.Current.Fit));

        var appended = await Uploads.ImportAsync(server.Client, "zoo", new ModelSet([late], zoo.OrderedMetrics()), V1.ImportMode.Append);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        var refit = watch.ResponseStream.Current;
        Assert.Equal("refit", refit.Reason);
        Assert.Equal(appended.Dataset.Revision, refit.DatasetRevision);
        Assert.Equal(await server.Client.GetFitAsync(new V1.GetFitRequest { Name = fit.Name }, cancellationToken: timeout.Token), refit.Fit);

        // Errors keep their code and details (gRPC-Web carries the trailers in the body).
        var missing = await Rpc.FailsAsync(StatusCode.NotFound, () => web.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/nothing" }, cancellationToken: timeout.Token).ResponseAsync);
        Assert.Equal("datasets/nothing", Rpc.Detail<Google.Rpc.ResourceInfo>(missing).ResourceName);
    }

    [Fact]
    public async Task With_a_key_gRPC_Web_calls_need_the_bearer_header()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0", "--ObsScaling:ApiKey=web-key");
        using var channel = WebChannel(server, GrpcWebMode.GrpcWeb);
        var web = new V1.ObsScaling.ObsScalingClient(channel);
        var refused = await Assert.ThrowsAsync<RpcException>(() => web.ListDatasetsAsync(new V1.ListDatasetsRequest(), cancellationToken: timeout.Token).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        var ok = await web.ListDatasetsAsync(new V1.ListDatasetsRequest(), new Metadata { { "authorization", "Bearer web-key" } }, cancellationToken: timeout.Token);
        Assert.Empty(ok.Datasets);
    }

    private static GrpcChannel WebChannel(ServerHandle server, GrpcWebMode mode) =>
        GrpcChannel.ForAddress(ObsScalingServer.WebAddresses((WebApplication)server.App).Single(), new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(mode, new HttpClientHandler()),
            HttpVersion = HttpVersion.Version11,
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
}
