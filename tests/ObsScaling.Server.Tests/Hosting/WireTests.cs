using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Data.Sqlite;
using ObsScaling.Core.Synthetic;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Hosting;

/// <summary>
/// What arrives over a real socket: bytes that are not protobuf, messages and imports above the limits, deadlines
/// that expire mid-call and failures nobody planned for. Each gets its exact status, nothing half-done is stored,
/// and the server answers the next call.
/// </summary>
public class WireTests
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);

    private static CallOptions Generous => new(deadline: DateTime.UtcNow.AddMinutes(5));

    public static TheoryData<string, byte[]> Garbage => new()
    {
        { "truncated length", [0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x61] },
        { "endless varint", [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] },
        { "invalid wire type", [0x0F, 0x01] },
        { "field number zero", [0x00, 0x01] },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Bytes_that_are_not_protobuf_are_rejected_without_internals(string what, byte[] bytes)
    {
        await using var server = await ServerHandle.KestrelAsync();
        var invoker = server.Channel.CreateCallInvoker();

        // A unary request is parsed before any handler or interceptor runs; the server's binder turns the parser's
        // failure into INVALID_ARGUMENT naming the request (never the parser's message).
        var unary = new Method<byte[], byte[]>(MethodType.Unary, "obsscaling.v1.ObsScaling", "GetDataset", Raw, Raw);
        var status = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => invoker.AsyncUnaryCall(unary, null, Generous, bytes).ResponseAsync);
        Assert.True(Rpc.Violation(status, "request", "").Description.Contains("not a valid GetDatasetRequest message", StringComparison.Ordinal), what);
        Rpc.NoInternals(status.Message);

        // So is a server-streaming request.
        var serverStreaming = new Method<byte[], byte[]>(MethodType.ServerStreaming, "obsscaling.v1.ObsScaling", "CreateFit", Raw, Raw);
        status = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () =>
        {
            using var call = invoker.AsyncServerStreamingCall(serverStreaming, null, Generous, bytes);
            await call.ResponseStream.MoveNext();
        });
        Rpc.Violation(status, "request", "");

        // Inside a client stream, after a valid header, the server names the bad message.
        var streaming = new Method<byte[], byte[]>(MethodType.ClientStreaming, "obsscaling.v1.ObsScaling", "ImportModels", Raw, Raw);
        status = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () =>
        {
            using var call = invoker.AsyncClientStreamingCall(streaming, null, Generous);
            try
            {
                await call.RequestStream.WriteAsync(Google.Protobuf.MessageExtensions.ToByteArray(new V1.ImportModelsRequest { Header = new V1.ImportHeader { Dataset = "garbage" } }));
                await call.RequestStream.WriteAsync(bytes);
                await call.RequestStream.CompleteAsync();
            }
            catch (RpcException)
            {
            }

            await call.ResponseAsync;
        });
        Assert.Contains("malformed protobuf", Rpc.Violation(status, "messages[1]", "").Description, StringComparison.Ordinal);
        Rpc.NoInternals(status.Message);

        await Rpc.NotFoundAsync(() => server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "garbage" }).ResponseAsync, "Dataset", "datasets/garbage");
        await AssertServingAsync(server);
    }

    [Fact]
    public async Task A_message_above_the_receive_limit_is_resource_exhausted_and_nothing_is_stored()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:MaxReceiveMessageBytes=65536");
        var big = Rpc.Model("huge");
        for (var i = 0; i < 4000; i++)
        {
            big.Scores[$"metric-with-a-long-name-{i:D5}"] = 0.5;
        }

        Assert.True(Google.Protobuf.MessageExtensions.ToByteArray(big).Length > 65536);
        var metrics = Enumerable.Range(0, 10).Select(i => Rpc.Metric($"m{i}"));
        var status = await Rpc.FailsAsync(StatusCode.ResourceExhausted, () => Rpc.ImportRawAsync(server.Client, Rpc.Import("too-big", metrics, Rpc.Model("small"), big), Generous));
        Assert.Contains("maximum", status.Message, StringComparison.OrdinalIgnoreCase);
        Rpc.NoInternals(status.Message);

        // A unary request above the limit too.
        await Rpc.FailsAsync(StatusCode.ResourceExhausted, () => server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = new string('a', 70_000) }, Generous).ResponseAsync);

        await Rpc.NotFoundAsync(() => server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "too-big" }).ResponseAsync, "Dataset", "datasets/too-big");
        await AssertServingAsync(server);
    }

    [Fact]
    public async Task More_models_than_the_import_limit_is_resource_exhausted_and_nothing_is_stored()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:MaxImportModels=5");
        var models = Enumerable.Range(0, 6).Select(i => Rpc.Model($"m{i}", "f", ("a", 0.1 * i))).ToArray();
        var status = await Rpc.FailsAsync(StatusCode.ResourceExhausted, () => Rpc.ImportRawAsync(server.Client, Rpc.Import("over-limit", [Rpc.Metric("a")], models), Generous));
        Assert.Contains("at most 5 models", status.Message, StringComparison.Ordinal);
        await Rpc.NotFoundAsync(() => server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "over-limit" }).ResponseAsync, "Dataset", "datasets/over-limit");

        // Exactly the limit is fine.
        var ok = await Rpc.ImportRawAsync(server.Client, Rpc.Import("at-limit", [Rpc.Metric("a")], models[..5]), Generous);
        Assert.Equal(5, ok.Dataset.ModelCount);
        await AssertServingAsync(server);
    }

    [Fact]
    public async Task An_import_stream_that_outlives_its_deadline_is_deadline_exceeded_and_stores_nothing()
    {
        await using var server = await ServerHandle.KestrelAsync();

        // The client sends a header and a model, then goes quiet: the server is left waiting on the stream when the
        // deadline passes, so the outcome does not depend on how fast anything runs.
        using (var call = server.Client.ImportModels(deadline: DateTime.UtcNow.AddMilliseconds(300)))
        {
            var status = await Rpc.FailsAsync(StatusCode.DeadlineExceeded, async () =>
            {
                await call.RequestStream.WriteAsync(new V1.ImportModelsRequest { Header = new V1.ImportHeader { Dataset = "stalled", Metrics = { Rpc.Metric("a") } } });
                await call.RequestStream.WriteAsync(new V1.ImportModelsRequest { Model = Rpc.Model("m", "f", ("a", 0.5)) });
                await call.ResponseAsync;
            });
            Rpc.NoInternals(status.Message);
        }

        await Rpc.NotFoundAsync(() => server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "stalled" }).ResponseAsync, "Dataset", "datasets/stalled");
        await AssertServingAsync(server);
    }

    [Fact]
    public async Task Heavy_analyses_with_a_tiny_deadline_are_deadline_exceeded_and_the_server_keeps_serving()
    {
        await using var server = await ServerHandle.KestrelAsync();

        // 45 families, subsets of up to 7: ~5e7 family combinations, seconds of work on any machine.
        var zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 11, Families = 45, ModelsPerFamily = 12, Benchmarks = 12, MissingFraction = 0.3 }).Models;
        await Uploads.ImportAsync(server.Client, "heavy", zoo);
        var tiny = new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(200));

        var select = await Rpc.FailsAsync(StatusCode.DeadlineExceeded, () => Rpc.SelectAsync(server.Client, new V1.SelectSubsetRequest { Dataset = "heavy", MaxFamilies = 7, Budgets = { 84 }, Method = V1.SubsetSearchMethod.Exhaustive }, tiny));
        Rpc.NoInternals(select.Message);

        // Imputation that never meets its tolerance: a million iterations over 540 × 12 cells.
        tiny = new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(200));
        var decompose = await Rpc.FailsAsync(StatusCode.DeadlineExceeded, () => server.Client.DecomposeAsync(
            new V1.DecomposeRequest { Dataset = "heavy", Imputation = new V1.ImputationSettings { Components = 3, MaxIterations = 1_000_000, Tolerance = double.Epsilon } },
            tiny).ResponseAsync);
        Rpc.NoInternals(decompose.Message);

        tiny = new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(200));
        var spec = Rpc.DownstreamSpec();
        spec.Imputation = new V1.ImputationSettings { Components = 3, MaxIterations = 1_000_000, Tolerance = double.Epsilon };
        await Rpc.FailsAsync(StatusCode.DeadlineExceeded, () => Rpc.FitEventsAsync(server.Client, new V1.CreateFitRequest { Parent = "heavy", FitId = "late", Spec = spec }, tiny));

        await Rpc.NotFoundAsync(() => server.Client.GetFitAsync(new V1.GetFitRequest { Name = "datasets/heavy/fits/late" }).ResponseAsync, "Fit", "datasets/heavy/fits/late");
        var dataset = await server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "heavy" });
        Assert.Equal(zoo.Count, dataset.ModelCount);
        await AssertServingAsync(server);
    }

    [Fact]
    public async Task An_unexpected_failure_is_internal_with_a_reference_and_no_exception_text()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        await Uploads.ImportAsync(server.Client, "corrupt", Rpc.SmallZoo());

        // Damage the stored row behind the server's back: reading it fails in a way no handler expects.
        await using (var c = new SqliteConnection($"Data Source={server.DatabasePath};Pooling=False"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE datasets SET body = x'0AFFFFFF0F61' WHERE id = 'corrupt'";
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        // (Get is served from the store's cache of what it wrote; a listing reads the damaged row.)
        var first = await Rpc.FailsAsync(StatusCode.Internal, () => server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest()).ResponseAsync);
        var second = await Rpc.FailsAsync(StatusCode.Internal, () => server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest()).ResponseAsync);
        foreach (var status in new[] { first, second })
        {
            Assert.Matches("^Internal error \\(reference [0-9a-f]{12}\\)\\.$", status.Message);
            var info = Rpc.Detail<ErrorInfo>(status);
            Assert.Equal("INTERNAL", info.Reason);
            Assert.Equal("obsscaling.dev", info.Domain);
            Assert.Contains(info.Metadata["reference"], status.Message, StringComparison.Ordinal);
            Assert.Single(status.Details);
        }

        Assert.NotEqual(first.Message, second.Message);
        await AssertServingAsync(server);
    }

    internal static async Task AssertServingAsync(ServerHandle server, Metadata? headers = null)
    {
        var health = new Health.HealthClient(server.Channel);
        var check = await health.CheckAsync(new HealthCheckRequest(), headers, DateTime.UtcNow.AddMinutes(2));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, check.Status);

        var id = "alive-" + Guid.NewGuid().ToString("N")[..8];
        var imported = await Rpc.ImportRawAsync(server.Client, Rpc.Import(id, [Rpc.Metric("a")], Rpc.Model("m1", "f", ("a", 0.25)), Rpc.Model("m2", "f", ("a", 0.75))), new CallOptions(headers, DateTime.UtcNow.AddMinutes(2)));
        Assert.Equal(2, imported.Dataset.ModelCount);
        var got = await server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = id }, headers, DateTime.UtcNow.AddMinutes(2));
        Assert.Equal(imported.Dataset.Etag, got.Etag);
    }
}
