using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Support;

/// <summary>
/// A text/event-stream client over a plain HttpClient, parsing the wire format by the WHATWG rules (field lines,
/// blank line ends an event, lines starting with ':' are comments), so the tests see what a browser would.
/// </summary>
internal sealed class EventStreamReader : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStreamReader(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        _http = http;
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Opens the feed; the response is returned whatever its status (see <see cref="Response"/>).</summary>
    public static async Task<EventStreamReader> OpenAsync(string url, string? lastEventId = null, string? bearer = null, CancellationToken cancellationToken = default)
    {
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = System.Net.HttpVersion.Version11 };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        return new EventStreamReader(http, response, reader);
    }

    /// <summary>The rest of the body as text (for an answer that is not an event stream, such as an error).</summary>
    public Task<string> BodyAsync(CancellationToken cancellationToken) => _reader.ReadToEndAsync(cancellationToken);

    /// <summary>The next event or comment; null when the server ended the stream.</summary>
    public async Task<ServerSentEvent?> NextAsync(CancellationToken cancellationToken, bool comments = false)
    {
        string? kind = null;
        string? id = null;
        var data = new StringBuilder();
        var any = false;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (any)
                {
                    return new ServerSentEvent(kind ?? "message", id, data.ToString());
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                if (comments)
                {
                    return new ServerSentEvent("", null, line[1..].TrimStart(), IsComment: true);
                }

                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "event":
                    kind = value;
                    any = true;
                    break;
                case "id":
                    id = value;
                    any = true;
                    break;
                case "data":
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    any = true;
                    break;
            }
        }

        return null;
    }

    /// <summary>The next real event (comments and the retry hint skipped); fails when the stream ends first.</summary>
    public async Task<ServerSentEvent> NextEventAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var e = await NextAsync(cancellationToken) ?? throw new InvalidOperationException("the event stream ended");
            if (e.Id is not null || e.Data.Length > 0)
            {
                return e;
            }
        }
    }

    /// <summary>The data of an event: a JSON array of WatchFitsResponse messages in proto3 JSON.</summary>
    public static IReadOnlyList<V1.WatchFitsResponse> Fits(ServerSentEvent e)
    {
        using var doc = JsonDocument.Parse(e.Data);
        return doc.RootElement.EnumerateArray().Select(x => JsonParser.Default.Parse<V1.WatchFitsResponse>(x.GetRawText())).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
        await Task.CompletedTask;
    }
}
