using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Microsoft.AspNetCore.Builder;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Web;

/// <summary>
/// REST/JSON transcoding of the contract on a real loopback Kestrel: the annotated routes answer on the web endpoint
/// (and only there), with proto3 JSON bodies, and errors as google.rpc.Status with the same details as over gRPC.
/// </summary>
public sealed class RestTests
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));
    private static readonly JsonParser StatusParser = new(JsonParser.Settings.Default.WithTypeRegistry(TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor)));

    [Fact]
    public async Task Datasets_and_fits_are_listed_got_fitted_decomposed_and_deleted_over_REST()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        var zoo = Rpc.SmallZoo(families: 5, perFamily: 5);
        await Uploads.ImportAsync(server.Client, "zoo", zoo, V1.ImportMode.Create);
        var fit = await Uploads.FitAsync(server.Client, "zoo", Rpc.DownstreamSpec(), "law");
        using var http = Http(server);

        var listed = Parser.Parse<V1.ListDatasetsResponse>(await OkAsync(http, HttpMethod.Get, "/v1/datasets"));
        Assert.Equal("datasets/zoo", Assert.Single(listed.Datasets).Name);
        var dataset = Parser.Parse<V1.Dataset>(await OkAsync(http, HttpMethod.Get, "/v1/datasets/zoo"));
        Assert.Equal(await server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/zoo" }), dataset);
        var models = Parser.Parse<V1.ListModelsResponse>(await OkAsync(http, HttpMethod.Get, "/v1/datasets/zoo/models?pageSize=3"));
        Assert.Equal(3, models.Models.Count);
        Assert.NotEmpty(models.NextPageToken);

        Assert.Equal(fit, Parser.Parse<V1.Fit>(await OkAsync(http, HttpMethod.Get, "/v1/datasets/zoo/fits/law")));
        Assert.Equal(fit, Assert.Single(Parser.Parse<V1.ListFitsResponse>(await OkAsync(http, HttpMethod.Get, "/v1/datasets/zoo/fits")).Fits));

        // CreateFit streams its events; the last one carries the fit, now stored as over gRPC.
        var body = JsonFormatter.Default.Format(new V1.CreateFitRequest { FitId = "rest", Spec = Rpc.DownstreamSpec() });
        var stream = await OkAsync(http, HttpMethod.Post, "/v1/datasets/zoo/fits", body);
        var events = Messages<V1.FitEvent>(stream);
        var created = events[^1].Fit;
        Assert.True(created is not null, stream);
        Assert.Equal("datasets/zoo/fits/rest", created.Name);
        Assert.Equal(created, await server.Client.GetFitAsync(new V1.GetFitRequest { Name = "datasets/zoo/fits/rest" }));

        var decomposition = Parser.Parse<V1.Decomposition>(await OkAsync(http, HttpMethod.Post, "/v1/datasets/zoo:decompose", "{\"components\":2}"));
        Assert.Equal(2, decomposition.Components);
        Assert.Equal(zoo.Count, decomposition.Models.Count);

        // A dataset with fits is deleted only with force, which the query string carries.
        await ErrorAsync(http, HttpMethod.Delete, "/v1/datasets/zoo", HttpStatusCode.BadRequest, Code.FailedPrecondition);
        Assert.Equal("{}", (await OkAsync(http, HttpMethod.Delete, "/v1/datasets/zoo?force=true")).Trim());
        Assert.Empty(Parser.Parse<V1.ListDatasetsResponse>(await OkAsync(http, HttpMethod.Get, "/v1/datasets")).Datasets);
    }

    [Fact]
    public async Task Errors_are_JSON_google_rpc_Status_with_the_details_a_gRPC_client_gets()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        using var http = Http(server);

        var missing = await ErrorAsync(http, HttpMethod.Get, "/v1/datasets/nothing", HttpStatusCode.NotFound, Code.NotFound);
        var resource = Assert.Single(missing.Details).Unpack<ResourceInfo>();
        Assert.Equal("datasets/nothing", resource.ResourceName);

        var invalid = await ErrorAsync(http, HttpMethod.Get, "/v1/datasets?pageSize=-1", HttpStatusCode.BadRequest, Code.InvalidArgument);
        var violation = Assert.Single(Assert.Single(invalid.Details).Unpack<BadRequest>().FieldViolations);
        Assert.Equal("page_size", violation.Field);
        Assert.Contains("-1", violation.Description, StringComparison.Ordinal);

        var overGrpc = await Rpc.FailsAsync(global::Grpc.Core.StatusCode.InvalidArgument, () => server.Client.ListDatasetsAsync(new V1.ListDatasetsRequest { PageSize = -1 }).ResponseAsync);
        Assert.Equal(Rpc.Detail<BadRequest>(overGrpc), invalid.Details[0].Unpack<BadRequest>());
    }

    [Fact]
    public async Task BatchImportModels_imports_over_REST_all_or_nothing()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        using var http = Http(server);
        var zoo = Rpc.SmallZoo(families: 3, perFamily: 4);
        var batch = new V1.BatchImportModelsRequest { Header = new V1.ImportHeader { Mode = V1.ImportMode.Create } };
        batch.Header.Metrics.AddRange(zoo.OrderedMetrics().Select(m => m.ToProto()));
        batch.Models.AddRange(zoo.Models.Select(m => m.ToProto()));
        var body = JsonFormatter.Default.Format(batch);

        var imported = Parser.Parse<V1.ImportModelsResponse>(await OkAsync(http, HttpMethod.Post, "/v1/datasets/zoo/models:batchImport", body));
        Assert.Equal(zoo.Count, imported.ModelsAdded);
        Assert.Equal(imported.Dataset, await server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/zoo" }));

        // One nameless model refuses the whole batch, naming it as the stream would.
        batch.Models[1].Name = "";
        batch.Header.Mode = V1.ImportMode.Append;
        var refused = await ErrorAsync(http, HttpMethod.Post, "/v1/datasets/zoo/models:batchImport", HttpStatusCode.BadRequest, Code.InvalidArgument, JsonFormatter.Default.Format(batch));
        Assert.Equal("models[1].name", Assert.Single(refused.Details[0].Unpack<BadRequest>().FieldViolations).Field);
        Assert.Equal(imported.Dataset, await server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/zoo" }));

        // JSON requests never pass the gRPC marshaller: control characters are refused for them too (a bell in a
        // family name), naming the field.
        batch.Models[1].Name = "fine";
        batch.Models[1].Family = "fam\u0007ily";
        var bell = await ErrorAsync(http, HttpMethod.Post, "/v1/datasets/zoo/models:batchImport", HttpStatusCode.BadRequest, Code.InvalidArgument, JsonFormatter.Default.Format(batch));
        Assert.True(bell.Details.Count > 0, bell.ToString());
        Assert.Contains(bell.Details[0].Unpack<BadRequest>().FieldViolations, v => v.Field == "models[1].family");
        Assert.Equal(imported.Dataset, await server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/zoo" }));
    }

    [Fact]
    public async Task BatchForecast_answers_a_batch_over_REST_as_the_stream_does_and_records_all_or_nothing()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        using var http = Http(server);
        var zoo = Rpc.SmallZoo(families: 4, perFamily: 5);
        await Uploads.ImportAsync(server.Client, "zoo", zoo);
        var fit = await Uploads.FitAsync(server.Client, "zoo", Rpc.DownstreamSpec(), "law");
        var inputs = zoo.Models.Take(6).Select(m => new V1.ForecastInput { Model = m.Name, Family = m.Family ?? "", Scores = new V1.MetricScores { Values = { fit.Space.Metrics.Where(m.Scores.ContainsKey).ToDictionary(k => k, k => m.Scores[k]) } } }).ToArray();

        var batch = new V1.BatchForecastRequest { Fit = fit.Name, Record = true, Inputs = { inputs } };
        var answered = Parser.Parse<V1.BatchForecastResponse>(await OkAsync(http, HttpMethod.Post, $"/v1/{fit.Name}:forecast", JsonFormatter.Default.Format(batch)));
        var streamed = await Ledger.LedgerTests.ForecastAsync(server.Client, fit.Name, inputs);
        Assert.Equal(inputs.Length, answered.Results.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal((inputs[i].Model, (long)i), (answered.Results[i].Model, answered.Results[i].Sequence));
            Assert.Equal(streamed[i].Predicted, answered.Results[i].Predicted);
            Assert.Equal(streamed[i].Predictors, answered.Results[i].Predictors);
            Assert.NotEmpty(answered.Results[i].Forecast);
        }

        var recorded = await server.Client.ListForecastsAsync(new V1.ListForecastsRequest { Parent = fit.Name, PageSize = 100 });
        Assert.Equal(answered.Results.Select(r => r.Forecast).Order(StringComparer.Ordinal), recorded.Forecasts.Select(f => f.Name).Order(StringComparer.Ordinal));

        // One bad input refuses the batch, naming it; nothing of the batch is recorded.
        batch.Inputs[3] = new V1.ForecastInput { Model = "bad", Coordinates = new V1.Coordinates { Values = { 1.0 } } };
        var refused = await ErrorAsync(http, HttpMethod.Post, $"/v1/{fit.Name}:forecast", HttpStatusCode.BadRequest, Code.InvalidArgument, JsonFormatter.Default.Format(batch));
        Assert.Equal("inputs[3].coordinates", Assert.Single(refused.Details[0].Unpack<BadRequest>().FieldViolations).Field);
        Assert.Equal(recorded.Forecasts.Count, (await server.Client.ListForecastsAsync(new V1.ListForecastsRequest { Parent = fit.Name, PageSize = 100 })).Forecasts.Count);
        var empty = await ErrorAsync(http, HttpMethod.Post, $"/v1/{fit.Name}:forecast", HttpStatusCode.BadRequest, Code.InvalidArgument, "{}");
        Assert.Equal("inputs", Assert.Single(empty.Details[0].Unpack<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_REST_routes_with_one_path_parameter_per_segment()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        using var http = Http(server);
        using var document = System.Text.Json.JsonDocument.Parse(await OkAsync(http, HttpMethod.Get, "/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        var routes = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}")).ToHashSet(StringComparer.Ordinal);
        string[] expected =
        [
            "GET /v1/datasets", "GET /v1/datasets/{dataset}", "DELETE /v1/datasets/{dataset}", "GET /v1/datasets/{dataset}/models",
            "POST /v1/datasets/{header.dataset}/models:batchImport", "POST /v1/datasets/{dataset}:decompose",
            "POST /v1/datasets/{dataset}/fits", "GET /v1/datasets/{dataset}/fits", "GET /v1/datasets/{dataset}/fits/{fit}",
            "DELETE /v1/datasets/{dataset}/fits/{fit}", "GET /v1/datasets/{dataset}/fits/{fit}/forecasts", "POST /v1/datasets/{dataset}/fits/{fit}:forecast",
            "POST /v1/datasets/{dataset}:backtest", "POST /v1/datasets/{dataset}:selectSubset", "POST /v1/datasets/{dataset}:compareTechniques",
            "POST /v1/ledgers/{ledger}/entries", "GET /v1/ledgers/{ledger}/entries", "GET /v1/ledgers/{ledger}/entries/{entry}",
            "POST /v1/ledgers/{ledger}:score", "POST /v1/plots:render",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), routes.Order(StringComparer.Ordinal));
        var getFit = paths.GetProperty("/v1/datasets/{dataset}/fits/{fit}").GetProperty("get");
        Assert.Equal(["dataset", "fit"], getFit.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()));

        // Like the routes, the document is not served on the gRPC port.
        using var grpcPort = new HttpClient { BaseAddress = new Uri(server.Address), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var missing = await grpcPort.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_gRPC_port_does_not_answer_REST_routes()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = new Uri(server.Address), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.GetAsync(new Uri("/v1/datasets", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_a_key_REST_calls_need_the_bearer_header()
    {
        await using var server = await ServerHandle.KestrelAsync("--ObsScaling:WebUrls=http://127.0.0.1:0", "--ObsScaling:ApiKey=rest-key");
        using var http = Http(server);
        var refused = await ErrorAsync(http, HttpMethod.Get, "/v1/datasets", HttpStatusCode.Unauthorized, Code.Unauthenticated);
        Assert.DoesNotContain("rest-key", refused.Message, StringComparison.Ordinal);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "rest-key");
        Assert.Empty(Parser.Parse<V1.ListDatasetsResponse>(await OkAsync(http, HttpMethod.Get, "/v1/datasets")).Datasets);
    }

    private static HttpClient Http(ServerHandle server) =>
        new() { BaseAddress = new Uri(ObsScalingServer.WebAddresses((WebApplication)server.App).Single()), Timeout = TimeSpan.FromSeconds(60) };

    private static async Task<string> OkAsync(HttpClient http, HttpMethod method, string path, string? body = null)
    {
        using var response = await SendAsync(http, method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return text;
    }

    private static async Task<Google.Rpc.Status> ErrorAsync(HttpClient http, HttpMethod method, string path, HttpStatusCode expected, Code code, string? body = null)
    {
        using var response = await SendAsync(http, method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        var status = StatusParser.Parse<Google.Rpc.Status>(text);
        Assert.Equal((int)code, status.Code);
        return status;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request);
    }

    /// <summary>A server-streaming answer: the transcoder writes one JSON object per message, one per line.</summary>
    private static List<T> Messages<T>(string text)
        where T : IMessage<T>, new()
    {
        var messages = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parser.Parse<T>).ToList();
        Assert.NotEmpty(messages);
        return messages;
    }
}
