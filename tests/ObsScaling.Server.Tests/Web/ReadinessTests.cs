using System.Net;
using System.Text.Json;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;

namespace ObsScaling.Server.Tests.Web;

/// <summary>The readiness check really reads the store: a store that cannot be read turns gRPC health NOT_SERVING and /healthz/ready 503.</summary>
public sealed class ReadinessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_store_that_cannot_be_read_is_not_ready_and_ready_again_once_it_is_back()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        var web = ObsScalingServer.WebAddresses((WebApplication)server.App).Single();
        await Uploads.ImportAsync(server.Client, "zoo", Rpc.SmallZoo());
        var health = new Health.HealthClient(server.Channel);
        using var http = new HttpClient();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: timeout.Token)).Status);
        var (code, body) = await ReadyAsync(http, web, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());

        // The database file is taken away and a directory stands in its place: no connection can open it.
        var files = new[] { server.DatabasePath, server.DatabasePath + "-wal", server.DatabasePath + "-shm" };
        var saved = Path.Combine(Path.GetDirectoryName(server.DatabasePath)!, "saved");
        Directory.CreateDirectory(saved);
        SqliteConnection.ClearAllPools();
        foreach (var f in files.Where(File.Exists))
        {
            File.Move(f, Path.Combine(saved, Path.GetFileName(f)));
        }

        Directory.CreateDirectory(server.DatabasePath);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: timeout.Token)).Status);
        (code, body) = await ReadyAsync(http, web, timeout.Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var store = body.GetProperty("checks").GetProperty("store");
        Assert.Equal("Unhealthy", store.GetProperty("status").GetString());
        Assert.DoesNotContain(Path.GetDirectoryName(server.DatabasePath)!, body.GetRawText(), StringComparison.Ordinal);
        var metrics = PrometheusText.Parse(await http.GetStringAsync(new Uri(web + "/metrics"), timeout.Token));
        Assert.Equal(0, metrics.Value("obsscaling_store_up"));

        // Put back: the check follows the store (it is asked each time, not latched).
        Directory.Delete(server.DatabasePath);
        foreach (var f in files)
        {
            var from = Path.Combine(saved, Path.GetFileName(f));
            if (File.Exists(from))
            {
                File.Move(from, f);
            }
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: timeout.Token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(http, web, timeout.Token)).Code);
    }

    [Fact]
    public async Task A_damaged_row_leaves_the_server_serving_but_degraded()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        var web = ObsScalingServer.WebAddresses((WebApplication)server.App).Single();
        await Uploads.ImportAsync(server.Client, "corrupt", Rpc.SmallZoo());
        await using (var c = new SqliteConnection($"Data Source={server.DatabasePath};Pooling=False"))
        {
            await c.OpenAsync(timeout.Token);
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE datasets SET body = x'0AFFFFFF0F61' WHERE id = 'corrupt'";
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync(timeout.Token));
        }

        using var http = new HttpClient();
        var (code, body) = await ReadyAsync(http, web, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Degraded", body.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
        var health = new Health.HealthClient(server.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: timeout.Token)).Status);
    }

    [Fact]
    public async Task Readiness_is_served_on_the_web_endpoint_only()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Address + "/healthz/ready") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.SendAsync(request, timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<(HttpStatusCode Code, JsonElement Body)> ReadyAsync(HttpClient http, string web, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(web + "/healthz/ready"), cancellationToken);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return (response.StatusCode, doc.RootElement.Clone());
    }
}
