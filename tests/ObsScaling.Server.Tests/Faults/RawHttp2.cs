using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Google.Rpc;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// A gRPC client that frames nothing for you: plain HTTP/2 (h2c, exact version) to a loopback server, with any
/// body bytes, content type and headers, so a test can send what a broken or hostile client would.
/// </summary>
internal sealed class RawHttp2(string address) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        BaseAddress = new Uri(address),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>A gRPC frame: compressed flag, big-endian length, payload (the length may lie).</summary>
    public static byte[] Frame(byte[] payload, byte flag = 0, uint? length = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), length ?? (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public async Task<Answer> PostAsync(string path, byte[] body, string contentType = "application/grpc", IEnumerable<(string Name, string Value)>? headers = null)
    {
        // Set on the message: HttpClient's defaults apply only to requests it builds itself.
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request);
        var content = await response.Content.ReadAsByteArrayAsync();
        string? Get(string name) =>
            response.Headers.TryGetValues(name, out var v) ? v.First() : response.TrailingHeaders.TryGetValues(name, out var t) ? t.First() : null;
        var metadataBytes = response.Headers.Concat(response.TrailingHeaders).Sum(h => h.Key.Length + h.Value.Sum(v => v.Length));
        var details = Get("grpc-status-details-bin") is { } bin ? Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(PadBase64(bin))) : null;
        return new Answer((int)response.StatusCode, int.TryParse(Get("grpc-status"), out var s) ? s : -1, Uri.UnescapeDataString(Get("grpc-message") ?? ""), details, content, metadataBytes);
    }

    public void Dispose() => _http.Dispose();

    private static string PadBase64(string s) => s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');

    /// <summary>What came back: the HTTP status, grpc-status (-1 when absent), its message and rich details, the body, and the size of all headers and trailers.</summary>
    internal sealed record Answer(int Http, int Grpc, string Message, Google.Rpc.Status? Details, byte[] Body, int MetadataBytes)
    {
        public BadRequest.Types.FieldViolation? Violation(string field) =>
            Details?.Details.Where(d => d.Is(BadRequest.Descriptor)).Select(d => d.Unpack<BadRequest>()).SelectMany(b => b.FieldViolations).FirstOrDefault(v => v.Field == field);

        public override string ToString() => $"HTTP {Http} grpc-status {Grpc} '{Message}' {System.Text.Encoding.UTF8.GetString(Body)}";
    }
}
