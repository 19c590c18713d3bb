using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Web;

/// <summary><c>GET /metrics</c> scraped from a real loopback Kestrel after real calls, and read as Prometheus reads it.</summary>
public sealed class MetricsTests
{
    private const string Service = "obsscaling.v1.ObsScaling";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_scrape_counts_calls_by_method_and_status_watchers_imports_refits_and_shows_each_fit()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        var web = ObsScalingServer.WebAddresses((WebApplication)server.App).Single();

        var zoo = Rpc.SmallZoo(families: 6, perFamily: 6);
        var late = zoo.Models[^1];
        await Uploads.ImportAsync(server.Client, "zoo", new ModelSet(zoo.Models.Take(zoo.Count - 1).ToArray(), zoo.OrderedMetrics()), V1.ImportMode.Create);
        var spec = Rpc.DownstreamSpec();
        spec.Intervals = new V1.IntervalSettings { Method = V1.IntervalMethod.Parametric };
        await Uploads.FitAsync(server.Client, "zoo", spec, "law");
        await Rpc.FailsAsync(StatusCode.NotFound, () => server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/nothing" }).ResponseAsync);
        await Rpc.FailsAsync(StatusCode.NotFound, () => server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/nothing" }).ResponseAsync);

        // A dataset whose refit fails: replaced by too few models for its fit.
        await Uploads.ImportAsync(server.Client, "broken", zoo, V1.ImportMode.Create);
        await Uploads.FitAsync(server.Client, "broken", Rpc.DownstreamSpec(), "law");

        using var grpc = server.Client.WatchFits(new V1.WatchFitsRequest { Dataset = "zoo" }, cancellationToken: timeout.Token);
        using var broken = server.Client.WatchFits(new V1.WatchFitsRequest { Dataset = "broken" }, cancellationToken: timeout.Token);
        await using var feed = await EventStreamReader.OpenAsync(web + "/v1/datasets/zoo/fits:watch", cancellationToken: timeout.Token);
        Assert.Equal("initial", (await feed.NextEventAsync(timeout.Token)).Event);
        await Uploads.ImportAsync(server.Client, "zoo", new ModelSet([late], zoo.OrderedMetrics()), V1.ImportMode.Append);
        Assert.Equal("refit", (await feed.NextEventAsync(timeout.Token)).Event);
        await Uploads.ImportAsync(server.Client, "broken", new ModelSet(zoo.Models.Take(3).ToArray(), zoo.OrderedMetrics()), V1.ImportMode.Replace);
        Assert.True(await broken.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal("refit_failed", broken.ResponseStream.Current.Reason);

        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(web + "/metrics"), timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        var scrape = PrometheusText.Parse(text);

        // Calls by method and status; the histogram counts the same calls.
        Assert.Equal(4, scrape.Value("obsscaling_grpc_requests_total", ("grpc_service", Service), ("grpc_method", "ImportModels"), ("grpc_code", "OK")));
        Assert.Equal(2, scrape.Value("obsscaling_grpc_requests_total", ("grpc_method", "GetDataset"), ("grpc_code", "NotFound")));
        Assert.Equal(2, scrape.Value("obsscaling_grpc_request_duration_seconds_count", ("grpc_method", "GetDataset"), ("grpc_code", "NotFound")));
        Assert.Equal(2, scrape.Value("obsscaling_grpc_request_duration_seconds_bucket", ("grpc_method", "GetDataset"), ("grpc_code", "NotFound"), ("le", "+Inf")));
        Assert.InRange(scrape.Value("obsscaling_grpc_request_duration_seconds_sum", ("grpc_method", "CreateFit"), ("grpc_code", "OK")), 1e-6, 60);

        // Streams and watchers open right now: two WatchFits, one SSE feed.
        Assert.Equal(2, scrape.Value("obsscaling_grpc_streams_active", ("grpc_method", "WatchFits")));
        Assert.Equal(2, scrape.Value("obsscaling_watchers_active", ("transport", "grpc")));
        Assert.Equal(1, scrape.Value("obsscaling_watchers_active", ("transport", "sse")));

        Assert.Equal(4, scrape.Value("obsscaling_imports_total", ("grpc_method", "ImportModels")));
        Assert.Equal(zoo.Count + zoo.Count + 3, scrape.Value("obsscaling_models_imported_total"));
        Assert.Equal(2, scrape.Value("obsscaling_fits_created_total"));
        Assert.Equal(1, scrape.Value("obsscaling_refits_total", ("dataset", "zoo"), ("outcome", "refit")));
        Assert.Equal(1, scrape.Value("obsscaling_refits_total", ("dataset", "broken"), ("outcome", "refit_failed")));
        Assert.Equal(1, scrape.Value("obsscaling_refit_failures_total", ("dataset", "broken")));
        Assert.Equal(1, scrape.Value("obsscaling_refit_duration_seconds_count", ("outcome", "refit")));
        Assert.Equal(2, scrape.Value("obsscaling_refit_delay_seconds_count"));

        // Per-fit gauges equal the stored fit's own numbers.
        var fit = await server.Client.GetFitAsync(new V1.GetFitRequest { Name = "datasets/zoo/fits/law" }, cancellationToken: timeout.Token);
        Assert.True(fit.HasCoverage);
        Assert.Equal(fit.TestMse, scrape.Value("obsscaling_fit_test_mse", ("dataset", "zoo"), ("fit", "law")));
        Assert.Equal(fit.TrainMse, scrape.Value("obsscaling_fit_train_mse", ("dataset", "zoo"), ("fit", "law")));
        Assert.Equal(fit.Coverage, scrape.Value("obsscaling_fit_interval_coverage", ("dataset", "zoo"), ("fit", "law")));
        Assert.Equal(fit.UpdateTime.Seconds + (fit.UpdateTime.Nanos / 1e9), scrape.Value("obsscaling_fit_last_refit_timestamp_seconds", ("dataset", "zoo"), ("fit", "law")), 6);
        Assert.Equal(fit.DatasetRevision, scrape.Value("obsscaling_fit_dataset_revision", ("dataset", "zoo"), ("fit", "law")));
        Assert.Empty(scrape.Where("obsscaling_fit_interval_coverage", ("dataset", "broken")));
        Assert.Equal(2, scrape.Value("obsscaling_datasets"));
        Assert.Equal(1, scrape.Value("obsscaling_store_up"));

        Assert.NotEmpty(scrape.Where("process_working_set_bytes"));

        // Every series the Grafana dashboard asks for is one this server exposes.
        var dashboard = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "grafana", "obsscaling.json"));
        var asked = System.Text.RegularExpressions.Regex.Matches(dashboard, "obsscaling_[a-z_]+").Select(m => m.Value).Distinct().ToArray();
        Assert.True(asked.Length >= 15, $"the dashboard names only {asked.Length} series");
        var exposed = scrape.Samples.Select(x => x.Name).ToHashSet();
        Assert.All(asked, name => Assert.Contains(name, exposed));

        // A deleted fit's series go with it.
        await server.Client.DeleteFitAsync(new V1.DeleteFitRequest { Name = "datasets/broken/fits/law" }, cancellationToken: timeout.Token);
        _ = await http.GetStringAsync(new Uri(web + "/"), timeout.Token);
        var after = PrometheusText.Parse(await http.GetStringAsync(new Uri(web + "/metrics"), timeout.Token));
        Assert.Empty(after.Where("obsscaling_fit_test_mse", ("dataset", "broken")));
        Assert.Single(after.Where("obsscaling_fit_test_mse", ("dataset", "zoo")));

        // Web requests are counted once they end (the page has; the SSE feed is still open); scrapes are not counted.
        Assert.Equal(1, after.Value("http_requests_received_total", ("code", "200"), ("method", "GET"), ("endpoint", "/")));
        Assert.Empty(after.Where("http_requests_received_total", ("endpoint", "/metrics")));
        Assert.Equal(1, after.Value("http_requests_in_progress", ("method", "GET"), ("endpoint", "/v1/datasets/{dataset}/fits:watch")));
        Assert.Empty(after.Where("http_requests_received_total", ("endpoint", "/obsscaling.v1.ObsScaling/ImportModels")));
    }

    [Fact]
    public async Task Metrics_are_served_on_the_web_endpoint_only_and_behind_the_key_when_one_is_set()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0", "--ObsScaling:ApiKey=scrape-key");
        var web = ObsScalingServer.WebAddresses((WebApplication)server.App).Single();
        using var http = new HttpClient();
        using (var bare = await http.GetAsync(new Uri(web + "/metrics"), timeout.Token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, web + "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "scrape-key");
        using (var good = await http.SendAsync(request, timeout.Token))
        {
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);
            Assert.Contains("obsscaling_store_up 1", await good.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
        }

        using var grpcPort = new HttpRequestMessage(HttpMethod.Get, server.Address + "/metrics") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        grpcPort.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "scrape-key");
        using var onGrpc = await http.SendAsync(grpcPort, timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, onGrpc.StatusCode);
    }
}
