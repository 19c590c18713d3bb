using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Services;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Web;

/// <summary>
/// The SSE refit feed on a real loopback Kestrel: events and their ids, replay after a forced disconnect, the same
/// sequence as WatchFits, heartbeats, errors as JSON Status, and the key rule.
/// </summary>
public sealed class RefitEventsTests(ITestOutputHelper output)
{
    private const string Key = "feed-key";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_new_feed_starts_with_the_fits_and_then_gets_each_refit_with_the_revision_as_its_id()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await WebServerAsync();
        var (zoo, rest) = await SeedAsync(server, timeout.Token);
        await using var feed = await OpenAsync(server, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, feed.Response.StatusCode);
        Assert.Equal("text/event-stream", feed.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", feed.Response.Headers.CacheControl?.ToString());

        var initial = await feed.NextEventAsync(timeout.Token);
        Assert.Equal("initial", initial.Event);
        var fit = await server.Client.GetFitAsync(new V1.GetFitRequest { Name = "datasets/zoo/fits/law" }, cancellationToken: timeout.Token);
        Assert.Equal(fit.DatasetRevision.ToString(System.Globalization.CultureInfo.InvariantCulture), initial.Id);
        var snapshot = Assert.Single(EventStreamReader.Fits(initial));
        Assert.Equal("initial", snapshot.Reason);
        Assert.Equal(fit, snapshot.Fit);

        var clock = Stopwatch.StartNew();
        var appended = await Uploads.ImportAsync(server.Client, "zoo", new ModelSet([rest[0]], zoo.OrderedMetrics()), V1.ImportMode.Append);
        var acked = clock.Elapsed;
        var refit = await feed.NextEventAsync(timeout.Token);
        output.WriteLine($"import acknowledged after {acked.TotalMilliseconds:F1} ms, SSE refit after {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal("refit", refit.Event);
        Assert.Equal(appended.Dataset.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), refit.Id);
        var message = Assert.Single(EventStreamReader.Fits(refit));
        Assert.Equal("refit", message.Reason);
        Assert.Equal(appended.Dataset.Revision, message.DatasetRevision);
        Assert.Equal(appended.Dataset.Revision, message.Fit.DatasetRevision);
        Assert.Contains(message.Fit.Predictions, p => p.Model == rest[0].Name);
        Assert.Equal(await server.Client.GetFitAsync(new V1.GetFitRequest { Name = fit.Name }, cancellationToken: timeout.Token), message.Fit);

        // Deleting the dataset ends the feed.
        await server.Client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "datasets/zoo", Force = true }, cancellationToken: timeout.Token);
        Assert.Null(await feed.NextAsync(timeout.Token));
    }

    [Fact]
    public async Task A_gRPC_watcher_and_an_SSE_watcher_see_the_same_revisions_for_the_same_appends()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await WebServerAsync();
        var (zoo, rest) = await SeedAsync(server, timeout.Token);
        using var grpc = server.Client.WatchFits(new V1.WatchFitsRequest { Dataset = "zoo" }, cancellationToken: timeout.Token);
        await using var feed = await OpenAsync(server, timeout.Token);
        Assert.Equal("initial", (await feed.NextEventAsync(timeout.Token)).Event);
        await WaitForAsync(() => Hub(server).WatchersOf("zoo") == 2, timeout.Token);

        // Half the appends back to back (the hub may fold them into one pass, but both watchers must see the same
        // ones), half each after the previous refit was stored.
        long last = 0;
        for (var i = 0; i < rest.Count; i++)
        {
            var refits = Hub(server).RefitCount;
            last = (await Uploads.ImportAsync(server.Client, "zoo", new ModelSet([rest[i]], zoo.OrderedMetrics()), V1.ImportMode.Append)).Dataset.Revision;
            if (i >= rest.Count / 2)
            {
                await WaitForAsync(() => Hub(server).RefitCount > refits, timeout.Token);
            }
        }

        var seenByGrpc = new List<(long Revision, V1.Fit Fit)>();
        while (seenByGrpc.Count == 0 || seenByGrpc[^1].Revision != last)
        {
            Assert.True(await grpc.ResponseStream.MoveNext(timeout.Token));
            seenByGrpc.Add((grpc.ResponseStream.Current.DatasetRevision, grpc.ResponseStream.Current.Fit));
        }

        var seenBySse = new List<(long Revision, V1.Fit Fit)>();
        while (seenBySse.Count == 0 || seenBySse[^1].Revision != last)
        {
            var e = await feed.NextEventAsync(timeout.Token);
            var fits = EventStreamReader.Fits(e);
            Assert.All(fits, f => Assert.Equal(long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture), f.DatasetRevision));
            seenBySse.AddRange(fits.Select(f => (f.DatasetRevision, f.Fit)));
        }

        output.WriteLine($"{rest.Count} appends → revisions seen: {string.Join(", ", seenBySse.Select(s => s.Revision))}");
        Assert.Equal(seenByGrpc.Select(s => s.Revision), seenBySse.Select(s => s.Revision));
        Assert.Equal(seenByGrpc.Select(s => s.Fit), seenBySse.Select(s => s.Fit));
        Assert.Equal(seenBySse.Select(s => s.Revision).Distinct(), seenBySse.Select(s => s.Revision));
        Assert.True(seenBySse.Count >= rest.Count / 2, "the appends that waited for their refit each had their own");
    }

    [Fact]
    public async Task Reconnecting_with_Last_Event_ID_delivers_every_refit_missed_and_nothing_twice()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await WebServerAsync();
        var (zoo, rest) = await SeedAsync(server, timeout.Token);
        using var grpc = server.Client.WatchFits(new V1.WatchFitsRequest { Dataset = "zoo" }, cancellationToken: timeout.Token);
        string lastSeen;
        await using (var feed = await OpenAsync(server, timeout.Token))
        {
            await AppendAsync(server, grpc, zoo, rest[0], timeout.Token);
            var initial = await feed.NextEventAsync(timeout.Token);
            Assert.Equal("initial", initial.Event);
            var first = await feed.NextEventAsync(timeout.Token);
            Assert.Equal("refit", first.Event);
            lastSeen = first.Id!;
        }

        // Disconnected: three refits happen while nobody reads the feed.
        var missed = new List<long>();
        for (var i = 1; i <= 3; i++)
        {
            missed.Add(await AppendAsync(server, grpc, zoo, rest[i], timeout.Token));
        }

        await using (var resumed = await OpenAsync(server, timeout.Token, lastSeen))
        {
            var replayed = new List<long>();
            for (var i = 0; i < 3; i++)
            {
                var e = await resumed.NextEventAsync(timeout.Token);
                Assert.Equal("refit", e.Event);
                replayed.Add(long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture));
            }

            Assert.Equal(missed, replayed);

            // Then live: the next refit, and nothing before it again.
            var live = await AppendAsync(server, grpc, zoo, rest[4], timeout.Token);
            var next = await resumed.NextEventAsync(timeout.Token);
            Assert.Equal(live.ToString(System.Globalization.CultureInfo.InvariantCulture), next.Id);
        }

        // From the middle: only what came after that id.
        await using var middle = await OpenAsync(server, timeout.Token, missed[1].ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(missed[2].ToString(System.Globalization.CultureInfo.InvariantCulture), (await middle.NextEventAsync(timeout.Token)).Id);
    }

    [Fact]
    public async Task An_id_older_than_the_kept_history_gets_a_fresh_initial_snapshot()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await WebServerAsync("--ObsScaling:WatchHistory=2");
        var (zoo, rest) = await SeedAsync(server, timeout.Token);
        using var grpc = server.Client.WatchFits(new V1.WatchFitsRequest { Dataset = "zoo" }, cancellationToken: timeout.Token);
        var revisions = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            revisions.Add(await AppendAsync(server, grpc, zoo, rest[i], timeout.Token));
        }

        // Two changes are kept (revisions[2], revisions[3]): from revisions[1] on, a replay; before it, a snapshot.
        await using (var kept = await OpenAsync(server, timeout.Token, revisions[1].ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            var e = await kept.NextEventAsync(timeout.Token);
            Assert.Equal(("refit", revisions[2].ToString(System.Globalization.CultureInfo.InvariantCulture)), (e.Event, e.Id));
        }

        await using var old = await OpenAsync(server, timeout.Token, revisions[0].ToString(System.Globalization.CultureInfo.InvariantCulture));
        var snapshot = await old.NextEventAsync(timeout.Token);
        Assert.Equal("initial", snapshot.Event);
        Assert.Equal(revisions[3].ToString(System.Globalization.CultureInfo.InvariantCulture), snapshot.Id);
        Assert.Equal(revisions[3], Assert.Single(EventStreamReader.Fits(snapshot)).Fit.DatasetRevision);

        // An id the dataset never reached (another life of the dataset, say) also starts afresh.
        await using var ahead = await OpenAsync(server, timeout.Token, "999999");
        Assert.Equal("initial", (await ahead.NextEventAsync(timeout.Token)).Event);
    }

    [Fact]
    public async Task Stopping_the_server_ends_open_feeds_and_watches_instead_of_waiting_for_them()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await WebServerAsync();
        await SeedAsync(server, timeout.Token);
        await using var feed = await OpenAsync(server, timeout.Token);
        Assert.Equal("initial", (await feed.NextEventAsync(timeout.Token)).Event);
        using var grpc = server.Client.WatchFits(new V1.WatchFitsRequest { Dataset = "zoo", SendInitial = true }, cancellationToken: timeout.Token);
        Assert.True(await grpc.ResponseStream.MoveNext(timeout.Token));
        var clock = Stopwatch.StartNew();
        await ((WebApplication)server.App).StopAsync(timeout.Token);
        output.WriteLine($"stopped with a feed open in {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed}");
        try
        {
            Assert.Null(await feed.NextAsync(timeout.Token));
        }
        catch (IOException)
        {
            // The connection may be reset rather than ended: either way the feed is over.
        }

        try
        {
            Assert.False(await grpc.ResponseStream.MoveNext(timeout.Token));
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Cancelled)
        {
        }
    }

    [Fact]
    public async Task An_idle_feed_sends_keep_alive_comments()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await WebServerAsync("--ObsScaling:SseHeartbeat=00:00:00.200");
        await SeedAsync(server, timeout.Token);
        await using var feed = await OpenAsync(server, timeout.Token);
        Assert.Equal("initial", (await feed.NextEventAsync(timeout.Token)).Event);
        var clock = Stopwatch.StartNew();
        var beats = 0;
        while (beats < 3)
        {
            var e = await feed.NextAsync(timeout.Token, comments: true);
            Assert.NotNull(e);
            Assert.True(e.IsComment, $"expected only comments on an idle feed, got {e}");
            Assert.Equal("keep-alive", e.Data);
            beats++;
        }

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("nothing", null, 404, 5, "type.googleapis.com/google.rpc.ResourceInfo", "datasets/nothing")]
    [InlineData("Bad_Name", null, 400, 3, "type.googleapis.com/google.rpc.BadRequest", "dataset")]
    [InlineData("zoo", "seven", 400, 3, "type.googleapis.com/google.rpc.BadRequest", "Last-Event-ID")]
    [InlineData("zoo", "-1", 400, 3, "type.googleapis.com/google.rpc.BadRequest", "Last-Event-ID")]
    public async Task Errors_are_JSON_Status_with_their_HTTP_status(string dataset, string? lastEventId, int http, int code, string detailType, string named)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await WebServerAsync();
        await SeedAsync(server, timeout.Token);
        await using var feed = await EventStreamReader.OpenAsync(Web(server) + $"/v1/datasets/{dataset}/fits:watch", lastEventId, cancellationToken: timeout.Token);
        Assert.Equal(http, (int)feed.Response.StatusCode);
        Assert.Equal("application/json", feed.Response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await feed.BodyAsync(timeout.Token));
        Assert.Equal(code, body.RootElement.GetProperty("code").GetInt32());
        var detail = Assert.Single(body.RootElement.GetProperty("details").EnumerateArray());
        Assert.Equal(detailType, detail.GetProperty("@type").GetString());
        Assert.Contains(named, detail.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(0, Hub(server).WatcherCount);
    }

    [Fact]
    public async Task The_feed_is_served_on_the_web_endpoint_only()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await WebServerAsync();
        await SeedAsync(server, timeout.Token);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Address + "/v1/datasets/zoo/fits:watch") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task With_a_key_the_feed_needs_the_bearer_header()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var server = await WebServerAsync($"--ObsScaling:ApiKey={Key}");
        var zoo = Rpc.SmallZoo();
        await Uploads.ImportAsync(new V1.ObsScaling.ObsScalingClient(server.Channel.CreateCallInvoker().Intercept(m => { m.Add("authorization", "Bearer " + Key); return m; })), "zoo", zoo);

        await using (var bare = await EventStreamReader.OpenAsync(Web(server) + "/v1/datasets/zoo/fits:watch", cancellationToken: timeout.Token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, bare.Response.StatusCode);
            Assert.Contains("\"code\":16", await bare.BodyAsync(timeout.Token), StringComparison.Ordinal);
        }

        await using (var wrong = await EventStreamReader.OpenAsync(Web(server) + "/v1/datasets/zoo/fits:watch", bearer: "wrong", cancellationToken: timeout.Token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.Response.StatusCode);
        }

        await using var good = await EventStreamReader.OpenAsync(Web(server) + "/v1/datasets/zoo/fits:watch", bearer: Key, cancellationToken: timeout.Token);
        Assert.Equal(HttpStatusCode.OK, good.Response.StatusCode);
        Assert.Equal("initial", (await good.NextEventAsync(timeout.Token)).Event);
    }

    private static Task<ServerHandle> WebServerAsync(params string[] args) =>
        ServerHandle.KestrelAsync(["--ObsScaling:WebUrls=http://127.0.0.1:0", .. args]);

    private static FitWatchHub Hub(ServerHandle server) => server.Services.GetRequiredService<FitWatchHub>();

    private static string Web(ServerHandle server) => ObsScalingServer.WebAddresses((WebApplication)server.App).Single();

    private static Task<EventStreamReader> OpenAsync(ServerHandle server, CancellationToken cancellationToken, string? lastEventId = null) =>
        EventStreamReader.OpenAsync(Web(server) + "/v1/datasets/zoo/fits:watch", lastEventId, cancellationToken: cancellationToken);

    /// <summary>A dataset "zoo" with a fit "law", and models left out to append later, one change each.</summary>
    private static async Task<(ModelSet Zoo, IReadOnlyList<ModelRecord> Later)> SeedAsync(ServerHandle server, CancellationToken cancellationToken)
    {
        var zoo = Rpc.SmallZoo(families: 6, perFamily: 6);
        var rest = zoo.Models.Where((_, i) => i % 6 == 5).ToArray();
        var initial = new ModelSet(zoo.Models.Where(m => !rest.Contains(m)).ToArray(), zoo.OrderedMetrics());
        await Uploads.ImportAsync(server.Client, "zoo", initial, V1.ImportMode.Create);
        await Uploads.FitAsync(server.Client, "zoo", Rpc.DownstreamSpec(), "law");
        cancellationToken.ThrowIfCancellationRequested();
        return (zoo, rest);
    }

    /// <summary>Appends one model and waits until its refit reached the gRPC watcher (so each append is its own change).</summary>
    private static async Task<long> AppendAsync(ServerHandle server, AsyncServerStreamingCall<V1.WatchFitsResponse> grpc, ModelSet zoo, ModelRecord model, CancellationToken cancellationToken)
    {
        var revision = (await Uploads.ImportAsync(server.Client, "zoo", new ModelSet([model], zoo.OrderedMetrics()), V1.ImportMode.Append)).Dataset.Revision;
        while (true)
        {
            Assert.True(await grpc.ResponseStream.MoveNext(cancellationToken), "the gRPC watch ended");
            if (grpc.ResponseStream.Current.DatasetRevision == revision)
            {
                return revision;
            }
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(10, cancellationToken);
        }
    }
}
