using Google.Protobuf;
using Grpc.Core;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Hosting;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Damage below the message: compressed flags and encodings, lying length prefixes, gzip garbage and bombs, extra
/// messages and content types, sent by a raw HTTP/2 client to unary, server-streaming, client-streaming,
/// bidirectional and health calls. Each gets the client error that names it; none reaches INTERNAL or UNKNOWN.
/// </summary>
public sealed class WireFaultTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private ServerHandle? _server;
    private RawHttp2? _raw;

    private ServerHandle Server => _server!;

    private RawHttp2 Raw => _raw!;

    /// <summary>A method of each kind, with a valid request and the field its single message is named by.</summary>
    public static TheoryData<string, string> Calls => new()
    {
        { "/obsscaling.v1.ObsScaling/GetDataset", "request" },
        { "/obsscaling.v1.ObsScaling/CreateFit", "request" },
        { "/grpc.health.v1.Health/Check", "request" },
        { "/obsscaling.v1.ObsScaling/ImportModels", "messages[0]" },
        { "/obsscaling.v1.ObsScaling/Forecast", "messages[0]" },
    };

    public async Task InitializeAsync()
    {
        _server = await ServerHandle.KestrelAsync("--Logging:LogLevel:Default=Error");
        _raw = new RawHttp2(Server.Address);
    }

    public void Dispose() => _raw?.Dispose();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Damaged_framing_gets_invalid_argument_naming_the_message(string path, string field)
    {
        var valid = ValidRequest(path);
        var garbage = new byte[] { 0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03 };
        var gzip = new[] { ("grpc-encoding", "gzip") };
        var cases = new (string What, byte[] Body, (string, string)[] Headers, StatusCode Code, string Says)[]
        {
            ("gzip garbage", RawHttp2.Frame(garbage, flag: 1), gzip, StatusCode.InvalidArgument, "not valid gzip"),
            ("not gzip at all", RawHttp2.Frame("not gzip"u8.ToArray(), flag: 1), gzip, StatusCode.InvalidArgument, "not valid gzip"),
            ("compressed flag with identity", RawHttp2.Frame(RawHttp2.Gzip(valid), flag: 1), [("grpc-encoding", "identity")], StatusCode.InvalidArgument, "marked compressed"),
            ("compressed flag without encoding", RawHttp2.Frame(RawHttp2.Gzip(valid), flag: 1), [], StatusCode.InvalidArgument, "marked compressed"),
            ("compressed flag 2", RawHttp2.Frame(valid, flag: 2), [], StatusCode.InvalidArgument, "must be 0 or 1"),
            ("length prefix beyond the body", RawHttp2.Frame(valid, length: (uint)valid.Length + 100), [], StatusCode.InvalidArgument, "promises"),
            ("truncated header", RawHttp2.Frame(valid)[..3], [], StatusCode.InvalidArgument, "inside a message header"),
            ("length prefix of 4 GiB", RawHttp2.Frame(valid, length: uint.MaxValue), [], StatusCode.ResourceExhausted, "exceeds the maximum configured message size"),
            ("gzip bomb", RawHttp2.Frame(RawHttp2.Gzip(new byte[64 * 1024 * 1024]), flag: 1), gzip, StatusCode.ResourceExhausted, "decompresses to more than"),
        };

        foreach (var c in cases)
        {
            var answer = await Raw.PostAsync(path, c.Body, headers: c.Headers);
            output.WriteLine($"{path} {c.What}: {answer}");
            Assert.True((int)c.Code == answer.Grpc, $"{c.What}: expected {c.Code}, got {answer}");
            Assert.Contains(c.Says, answer.Message, StringComparison.Ordinal);
            if (c.Code == StatusCode.InvalidArgument)
            {
                Assert.True(answer.Violation(field) is not null, $"{c.What}: no violation of {field} in {answer.Details}");
            }
        }

        await AssertUnharmedAsync();
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Well_framed_gzip_requests_are_read(string path, string field)
    {
        _ = field;
        var answer = await Raw.PostAsync(path, RawHttp2.Frame(RawHttp2.Gzip(ValidRequest(path)), flag: 1), headers: [("grpc-encoding", "gzip")]);
        output.WriteLine($"{path} gzip: {answer}");

        // Each valid request names something that does not exist (or is the health check, or an import of no
        // models): an answer about that proves the message was decompressed and decoded.
        if (path.Contains("ImportModels", StringComparison.Ordinal))
        {
            Assert.True(answer.Grpc is (int)StatusCode.OK or (int)StatusCode.InvalidArgument or (int)StatusCode.FailedPrecondition, $"got {answer}");
            Assert.DoesNotContain("gzip", answer.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("compressed", answer.Message, StringComparison.Ordinal);
        }
        else
        {
            var expected = path.Contains("Health", StringComparison.Ordinal) ? StatusCode.OK : StatusCode.NotFound;
            Assert.True((int)expected == answer.Grpc, $"expected {expected}, got {answer}");
        }
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task A_unary_call_with_two_messages_is_invalid_argument()
    {
        var one = RawHttp2.Frame(ValidRequest("/obsscaling.v1.ObsScaling/GetDataset"));
        var answer = await Raw.PostAsync("/obsscaling.v1.ObsScaling/GetDataset", [.. one, .. one]);
        Assert.Equal((int)StatusCode.InvalidArgument, answer.Grpc);
        Assert.Contains("exactly one request message", answer.Message, StringComparison.Ordinal);
        await AssertUnharmedAsync();
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("application/grpcx")]
    [InlineData("application/grpc-web")]
    public async Task A_wrong_content_type_is_415_with_invalid_argument(string contentType)
    {
        foreach (var path in new[] { "/obsscaling.v1.ObsScaling/GetDataset", "/obsscaling.v1.ObsScaling/ImportModels", "/grpc.health.v1.Health/Check" })
        {
            var answer = await Raw.PostAsync(path, RawHttp2.Frame(ValidRequest(path)), contentType);
            Assert.Equal(415, answer.Http);
            Assert.Equal((int)StatusCode.InvalidArgument, answer.Grpc);
            Assert.Contains("content-type", answer.Message, StringComparison.Ordinal);
        }

        await AssertUnharmedAsync();
    }

    /// <summary>No call answered INTERNAL, none is left running, and the server still serves.</summary>
    private async Task AssertUnharmedAsync()
    {
        var diagnostics = (CallDiagnostics)Server.Services.GetService(typeof(CallDiagnostics))!;
        Assert.Equal(0, diagnostics.UnexpectedErrors);
        await WireTests.AssertServingAsync(Server);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (diagnostics.ActiveCalls() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, diagnostics.ActiveCalls());
    }

    private static byte[] ValidRequest(string path) => path switch
    {
        "/obsscaling.v1.ObsScaling/GetDataset" => new V1.GetDatasetRequest { Name = "datasets/nothing" }.ToByteArray(),
        "/obsscaling.v1.ObsScaling/CreateFit" => new V1.CreateFitRequest { Parent = "datasets/nothing", FitId = "f", Spec = Errors.Rpc.DownstreamSpec() }.ToByteArray(),
        "/grpc.health.v1.Health/Check" => new global::Grpc.Health.V1.HealthCheckRequest().ToByteArray(),
        "/obsscaling.v1.ObsScaling/ImportModels" => new V1.ImportModelsRequest { Header = new V1.ImportHeader { Dataset = "wire-" + Guid.NewGuid().ToString("N")[..8], Metrics = { Errors.Rpc.Metric("a") } } }.ToByteArray(),
        "/obsscaling.v1.ObsScaling/Forecast" => new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = "datasets/nothing/fits/f" } }.ToByteArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(path)),
    };
}
