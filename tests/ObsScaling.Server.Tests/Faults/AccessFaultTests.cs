using Google.Protobuf;
using Grpc.Core;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// The key check as an outsider meets it: the Bearer scheme in any case, and a caller without the key learns
/// nothing: a method that exists, one that does not, a service that does not, health and reflection, with a valid,
/// malformed or damaged body, all get byte-identical UNAUTHENTICATED answers, and nothing sent is parsed.
/// </summary>
public class AccessFaultTests
{
    private const string Key = "s3cret-key";

    [Theory]
    [InlineData("Bearer " + Key)]
    [InlineData("bearer " + Key)]
    [InlineData("BEARER " + Key)]
    [InlineData("BeArEr " + Key)]
    [InlineData("Bearer  " + Key + " ")]
    public async Task The_bearer_scheme_is_case_insensitive(string authorization)
    {
        await using var server = await ServerHandle.InMemoryAsync($"--ObsScaling:ApiKey={Key}");
        var list = await server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest(), new Metadata { { "authorization", authorization } });
        Assert.Equal(0, list.TotalSize);
    }

    [Theory]
    [InlineData("Bearer" + Key)]
    [InlineData("Bearerx " + Key)]
    [InlineData("Basic " + Key)]
    [InlineData(Key)]
    public async Task Other_schemes_and_glued_tokens_are_refused(string authorization)
    {
        await using var server = await ServerHandle.InMemoryAsync($"--ObsScaling:ApiKey={Key}");
        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest(), new Metadata { { "authorization", authorization } }).ResponseAsync);
    }

    [Fact]
    public async Task Without_the_key_a_caller_cannot_tell_which_methods_exist_and_nothing_is_parsed()
    {
        await using var server = await ServerHandle.KestrelAsync($"--ObsScaling:ApiKey={Key}");
        using var raw = new RawHttp2(server.Address);
        var valid = RawHttp2.Frame(new V1.GetDatasetRequest { Name = "datasets/x" }.ToByteArray());
        var bodies = new[] { valid, RawHttp2.Frame([0x0A, 0xFF, 0xFF, 0xFF, 0x0F]), RawHttp2.Frame([1, 2, 3], flag: 1), [0xFF] };
        var paths = new[]
        {
            "/obsscaling.v1.ObsScaling/GetDataset",
            "/obsscaling.v1.ObsScaling/ImportModels",
            "/obsscaling.v1.ObsScaling/NoSuchMethod",
            "/no.such.Service/Method",
            "/grpc.health.v1.Health/Check",
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        };

        var answers = new List<string>();
        foreach (var path in paths)
        {
            foreach (var body in bodies)
            {
                foreach (var auth in new[] { null, "Bearer wrong", "bearer" })
                {
                    var answer = await raw.PostAsync(path, body, headers: auth is null ? null : [("authorization", auth)]);
                    Assert.Equal((int)StatusCode.Unauthenticated, answer.Grpc);
                    answers.Add($"{answer.Http}|{answer.Grpc}|{answer.Message}|{answer.Details}|{Convert.ToHexString(answer.Body)}|{answer.MetadataBytes}");
                }
            }
        }

        // Identical answers: nothing distinguishes a real method, or says how the body would have been read.
        Assert.Single(answers.Distinct());
        Assert.Contains(ApiKeyMiddleware.Message, answers[0], StringComparison.Ordinal);

        var diagnostics = (CallDiagnostics)server.Services.GetService(typeof(CallDiagnostics))!;
        Assert.Equal(0, diagnostics.UnexpectedErrors);

        // With the key, the same damaged bodies are parsed and refused as the client errors they are.
        var keyed = await raw.PostAsync("/obsscaling.v1.ObsScaling/GetDataset", bodies[1], headers: [("authorization", "Bearer " + Key)]);
        Assert.Equal((int)StatusCode.InvalidArgument, keyed.Grpc);
    }
}
