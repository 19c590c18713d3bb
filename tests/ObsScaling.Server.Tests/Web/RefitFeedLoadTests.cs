using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Faults;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Web;

/// <summary>
/// Many SSE watchers of one dataset on a server process of its own: one refit reaches every one of them, and the
/// time from the refit's law being stamped (its update_time, set just before it is stored) to each watcher reading
/// the event is reported with the server's memory per open feed. 200 watchers by default; OBS_SSE_WATCHERS sets it.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class RefitFeedLoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task One_refit_reaches_every_one_of_many_SSE_watchers()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("OBS_SSE_WATCHERS"), out var n) && n > 0 ? n : 200;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var directory = Path.Combine(Path.GetTempPath(), "obs-sse-load-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(directory);
        try
        {
            await using var server = await ServerProcess.StartAsync(Path.Combine(directory, "obs.db"), output, arguments: ["--ObsScaling:WebUrls=http://127.0.0.1:0"]);
            var zoo = Rpc.SmallZoo(families: 8, perFamily: 6);
            var late = zoo.Models[^1];
            await Uploads.ImportAsync(server.Client, "zoo", new ModelSet(zoo.Models.Take(zoo.Count - 1).ToArray(), zoo.OrderedMetrics()), V1.ImportMode.Create);
            await Uploads.FitAsync(server.Client, "zoo", Rpc.DownstreamSpec(), "law");
            var url = new Uri(server.WebAddress + "/v1/datasets/zoo/fits:watch");

            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { Timeout = Timeout.InfiniteTimeSpan };
            await using (var warm = await Feed.OpenAsync(http, url, timeout.Token))
            {
                await warm.NextAsync(timeout.Token);
            }

            var before = Rss(server.Process);
            var feeds = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Feed.OpenAsync(http, url, timeout.Token)));
            await Task.WhenAll(feeds.Select(f => f.NextAsync(timeout.Token)));
            await Task.Delay(500, timeout.Token);
            var after = Rss(server.Process);
            try
            {
                var arrivals = feeds.Select(f => f.NextAsync(timeout.Token)).ToArray();
                await Uploads.ImportAsync(server.Client, "zoo", new ModelSet([late], zoo.OrderedMetrics()), V1.ImportMode.Append);
                var events = await Task.WhenAll(arrivals);
                Assert.All(events, e => Assert.Equal("refit", e.Kind));
                var stamped = Stamp(events[0].Data);
                var latencies = events.Select(e => (e.Arrived - stamped).TotalMilliseconds).Order().ToArray();
                var p50 = latencies[latencies.Length / 2];
                var p99 = latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(latencies.Length * 0.99) - 1)];
                output.WriteLine($"{count} SSE watchers: refit stamped → read p50 {p50:F1} ms, p99 {p99:F1} ms, max {latencies[^1]:F1} ms; " +
                    $"server RSS {before / 1048576.0:F1} → {after / 1048576.0:F1} MiB, {(after - before) / (double)count / 1024:F1} KiB per feed");
                Assert.True(p99 < 2000, $"p99 {p99:F1} ms");
            }
            finally
            {
                foreach (var f in feeds)
                {
                    await f.DisposeAsync();
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static long Rss(Process process)
    {
        process.Refresh();
        return process.WorkingSet64;
    }

    private static DateTime Stamp(string data)
    {
        using var doc = JsonDocument.Parse(data);
        var fit = JsonParserFit(doc.RootElement[0].GetRawText());
        return fit.Fit.UpdateTime.ToDateTime();
    }

    private static V1.WatchFitsResponse JsonParserFit(string json) => Google.Protobuf.JsonParser.Default.Parse<V1.WatchFitsResponse>(json);

    /// <summary>A lean event-stream reader (one per connection, on a shared client), stamping when each event was read.</summary>
    private sealed class Feed : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly StreamReader _reader;

        private Feed(HttpResponseMessage response, StreamReader reader)
        {
            _response = response;
            _reader = reader;
        }

        public static async Task<Feed> OpenAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version11 };
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return new Feed(response, new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken)));
        }

        public async Task<(string Kind, string Data, DateTime Arrived)> NextAsync(CancellationToken cancellationToken)
        {
            string? kind = null;
            while (await _reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    kind = line[7..];
                }
                else if (kind is not null && line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    return (kind, line[6..], DateTime.UtcNow);
                }
            }

            throw new InvalidOperationException("the feed ended");
        }

        public ValueTask DisposeAsync()
        {
            _reader.Dispose();
            _response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
