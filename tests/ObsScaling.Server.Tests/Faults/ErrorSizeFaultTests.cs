using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Errors stay small whatever the request: an 8 KB name, or 20,000 bad values in one import, give a status whose
/// headers and trailers fit grpc-core's 8 KB metadata limit, with the first violations listed and a last entry
/// saying how many were left out.
/// </summary>
public class ErrorSizeFaultTests
{
    private const int MetadataLimit = 8 * 1024;

    [Fact]
    public async Task A_huge_name_gets_a_small_error()
    {
        await using var server = await ServerHandle.KestrelAsync("--Logging:LogLevel:Default=Error");
        using var raw = new RawHttp2(server.Address);
        var name = "datasets/" + new string('x', 8192);
        foreach (var (path, body) in new[]
        {
            ("/obsscaling.v1.ObsScaling/GetDataset", RawHttp2.Frame(new V1.GetDatasetRequest { Name = name }.ToByteArray())),
            ("/obsscaling.v1.ObsScaling/ImportModels", RawHttp2.Frame(new V1.ImportModelsRequest { Header = new V1.ImportHeader { Dataset = name + "é€" } }.ToByteArray())),
        })
        {
            var answer = await raw.PostAsync(path, body);
            Assert.Equal((int)StatusCode.InvalidArgument, answer.Grpc);
            Assert.True(answer.MetadataBytes < MetadataLimit, $"{path}: {answer.MetadataBytes} bytes of headers and trailers");
            Assert.True(answer.Message.Length <= StatusMapping.MaxMessageChars + 1, $"message of {answer.Message.Length} characters");
        }
    }

    [Fact]
    public async Task Twenty_thousand_bad_values_list_the_first_and_count_the_rest()
    {
        await using var server = await ServerHandle.KestrelAsync("--Logging:LogLevel:Default=Error");
        const int bad = 20_000;
        var models = Enumerable.Range(0, bad).Select(i => Rpc.Model($"model-{i:D5}-" + new string('n', 200), "f", ("a", 5.0))).ToArray();
        var ex = await Assert.ThrowsAsync<RpcException>(() => Rpc.ImportRawAsync(server.Client, Rpc.Import("many-bad", [Rpc.Metric("a")], models)));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);

        var metadata = ex.Trailers.Sum(t => t.Key.Length + (t.IsBinary ? (t.ValueBytes.Length * 4 / 3) + 4 : t.Value.Length)) + ex.Status.Detail.Length * 3;
        Assert.True(metadata < MetadataLimit, $"{metadata} bytes of trailers");

        var violations = Rpc.Detail<BadRequest>(ex.GetRpcStatus()!).FieldViolations;
        Assert.InRange(violations.Count, 2, StatusMapping.MaxViolations + 1);
        var listed = violations.Count - 1;
        Assert.Equal($"… and {bad - listed} more problems not listed", violations[^1].Description);
        Assert.All(violations.Take(listed), v => Assert.True(v.Description.Length < 500, v.Description));
        Assert.StartsWith("models[0]", violations[0].Field, StringComparison.Ordinal);
    }
}
