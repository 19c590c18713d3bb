using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Hosting;

/// <summary>The API key: required beyond loopback, checked on every call when set.</summary>
public class SecurityTests
{
    private const string Key = "secret";

    public static TheoryData<string?> WrongCredentials => new()
    {
        null,
        "",
        "Bearer",
        "Bearer ",
        "Bearer wrong",
        "Bearer secret2",
        "Bearer secre",
        "Basic c2VjcmV0",
        "secret",
    };

    [Theory]
    [MemberData(nameof(WrongCredentials))]
    public async Task Calls_without_the_right_bearer_token_are_unauthenticated(string? authorization)
    {
        await using var server = await ServerHandle.InMemoryAsync($"--ObsScaling:ApiKey={Key}");
        var headers = authorization is null ? null : new Metadata { { "authorization", authorization } };

        var status = await Rpc.FailsAsync(StatusCode.Unauthenticated, () => server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest(), headers).ResponseAsync);
        Assert.Contains("authorization: Bearer", status.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, status.Message, StringComparison.Ordinal);

        // Streaming calls are guarded too, and nothing gets through: the import stored nothing.
        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => Rpc.ImportRawAsync(server.Client, Rpc.Import("sneaky", [Rpc.Metric("a")], Rpc.Model("m", "f", ("a", 0.5))), new CallOptions(headers)));
        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => Rpc.FitEventsAsync(server.Client, new V1.CreateFitRequest { Parent = "sneaky", Spec = Rpc.DownstreamSpec() }, new CallOptions(headers)));
        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => Rpc.ForecastAsync(new V1.ObsScaling.ObsScalingClient(server.Channel.CreateCallInvoker().Intercept(m => { AddAll(m, headers); return m; })), new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = "datasets/a/fits/b" } }));

        var good = new Metadata { { "authorization", "Bearer " + Key } };
        await Rpc.NotFoundAsync(() => server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "sneaky" }, good).ResponseAsync, "Dataset", "datasets/sneaky");
    }

    [Fact]
    public async Task The_right_bearer_token_is_accepted_on_every_kind_of_call()
    {
        await using var server = await ServerHandle.KestrelAsync($"--ObsScaling:ApiKey={Key}");
        var good = new Metadata { { "authorization", "Bearer " + Key } };
        var imported = await Uploads.ImportAsync(new V1.ObsScaling.ObsScalingClient(server.Channel.CreateCallInvoker().Intercept(m => { AddAll(m, good); return m; })), "guarded", Rpc.SmallZoo());
        Assert.Equal(20, imported.Dataset.ModelCount);
        var list = await server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest(), good);
        Assert.Equal(1, list.TotalSize);
        var events = await Rpc.FitEventsAsync(server.Client, new V1.CreateFitRequest { Parent = "guarded", FitId = "law", Spec = Rpc.DownstreamSpec() }, new CallOptions(good));
        Assert.Single(events, e => e.EventCase == V1.FitEvent.EventOneofCase.Fit);
        await WireTests.AssertServingAsync(server, good);
    }

    [Fact]
    public async Task Health_checks_need_the_key_too_when_one_is_set()
    {
        await using var server = await ServerHandle.InMemoryAsync($"--ObsScaling:ApiKey={Key}");
        var health = new Health.HealthClient(server.Channel);
        await Rpc.FailsAsync(StatusCode.Unauthenticated, () => health.CheckAsync(new HealthCheckRequest()).ResponseAsync);
        var ok = await health.CheckAsync(new HealthCheckRequest(), new Metadata { { "authorization", "Bearer " + Key } });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, ok.Status);
    }

    [Fact]
    public async Task Without_a_key_no_header_is_needed_on_loopback()
    {
        await using var server = await ServerHandle.KestrelAsync();
        await WireTests.AssertServingAsync(server);

        // A stray authorization header is not an error when no key is configured.
        var list = await server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest(), new Metadata { { "authorization", "Bearer whatever" } });
        Assert.Equal(1, list.TotalSize);
    }

    [Theory]
    [InlineData("--urls=http://0.0.0.0:0")]
    [InlineData("--urls=http://[::]:0")]
    [InlineData("--urls=http://*:0")]
    [InlineData("--urls=http://+:0")]
    [InlineData("--urls=http://example.com:0")]
    [InlineData("--urls=http://10.1.2.3:5080")]
    [InlineData("--urls=http://127.0.0.1:0;http://0.0.0.0:0")]
    [InlineData("--Kestrel:Endpoints:Http:Url=http://0.0.0.0:0")]
    [InlineData("--Kestrel:Endpoints:Http:Url=http://[::]:0")]
    public void Serving_beyond_loopback_without_a_key_refuses_to_start(string binding)
    {
        using var dir = new TempDirectory();
        var ex = Assert.Throws<InvalidOperationException>(() => ObsScalingServer.Build([binding, $"--ObsScaling:DatabasePath={dir.File("obs.db")}"]));
        Assert.StartsWith("Refusing to listen on ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ObsScaling:ApiKey", ex.Message, StringComparison.Ordinal);

        // It refused before opening (or creating) the database.
        Assert.False(File.Exists(dir.File("obs.db")));
    }

    [Theory]
    [InlineData("--urls=http://0.0.0.0:0")]
    [InlineData("--Kestrel:Endpoints:Http:Url=http://0.0.0.0:0")]
    public async Task Serving_beyond_loopback_with_a_key_builds(string binding)
    {
        using var dir = new TempDirectory();

        // Built, not started: nothing binds beyond loopback in a test.
        var app = ObsScalingServer.Build([binding, $"--ObsScaling:ApiKey={Key}", $"--ObsScaling:DatabasePath={dir.File("obs.db")}"]);
        await app.DisposeAsync();
        Assert.True(File.Exists(dir.File("obs.db")));
    }

    [Theory]
    [InlineData("--urls=http://127.0.0.1:0")]
    [InlineData("--urls=http://localhost:0")]
    [InlineData("--urls=http://[::1]:0")]
    [InlineData("--urls=http://127.0.0.2:0")]
    [InlineData("--Kestrel:Endpoints:Http:Url=http://127.0.0.1:0")]
    public async Task Loopback_without_a_key_builds(string binding)
    {
        using var dir = new TempDirectory();
        var app = ObsScalingServer.Build([binding, $"--ObsScaling:DatabasePath={dir.File("obs.db")}"]);
        await app.DisposeAsync();
    }

    private static void AddAll(Metadata target, Metadata? source)
    {
        foreach (var e in source ?? [])
        {
            target.Add(e);
        }
    }

    private sealed class TempDirectory : IDisposable
    {
        private readonly string _path = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "obs-sec-" + Guid.NewGuid().ToString("N")[..10])).FullName;

        public string File(string name) => Path.Combine(_path, name);

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
