using System.IO.Compression;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Services;

/// <summary>
/// ImportFiles for today's formats (Epoch Benchmarking Hub, Every Eval Ever): stored models carry the standard
/// errors, release dates and organisations the files give; a malformed file is INVALID_ARGUMENT naming it.
/// </summary>
public class ImportFormatsTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private readonly V1.ObsScaling.ObsScalingClient _client = shared.Client;

    private static V1.ImportFilesHeader Header(string dataset, V1.ResultFormat format) =>
        new() { Dataset = dataset, Options = new V1.ResultImportOptions { Format = format } };

    [Fact]
    public async Task Epoch_hub_csvs_store_scores_standard_errors_compute_and_release_dates()
    {
        const string gpqa = "\uFEFFModel version,Best score (across scorers),Release date,Organization,Training compute (FLOP),Training compute notes,stderr\r\n" +
            "acme-2026_high,0.71,2026-01-15,Acme,3.8e+25,\"cluster, hours\r\nand utilisation\",0.018\r\n" +
            "\"Bolt 2, mini\",0.41,2025-06-30,Bolt,,,0.021\r\n";
        var response = await ImportFilesTests.ImportAsync(_client, Header("epoch-hub", V1.ResultFormat.EpochBenchmarkingHub), [("gpqa_diamond.csv", gpqa, V1.FileRole.Results)], chunkBytes: 32);
        Assert.Equal(2, response.ModelsAdded);
        var models = (await _client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/epoch-hub" })).Models;
        var acme = models.Single(m => m.Name == "acme-2026_high");
        Assert.Equal(0.71, acme.Scores["gpqa_diamond"]);
        Assert.Equal(0.018, acme.StandardErrors["gpqa_diamond"]);
        Assert.Equal(38000, acme.FlopsE21, 9);
        Assert.Equal("2026-01-15", acme.ReleaseDate);
        Assert.Equal("Acme", acme.Organization);
        Assert.False(models.Single(m => m.Name == "Bolt 2, mini").HasFlopsE21);
    }

    [Fact]
    public async Task An_epoch_csv_without_a_score_column_names_the_file()
    {
        var status = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportFilesTests.ImportAsync(_client, Header("epoch-bad", V1.ResultFormat.EpochBenchmarkingHub),
            [("swe_bench.csv", "Model version,stderr\nm,0.1\n", V1.FileRole.Results)]));
        var v = Rpc.Violation(status, "swe_bench.csv:1:1", "");
        Assert.Contains("mean_score", v.Description, StringComparison.Ordinal);
    }

    private static string EveryEvalRecord(string model, double score, double se, int max) => $$"""
        {"schema_version": "0.3.0", "evaluation_id": "mmlu_pro/{{model}}/1767225600", "retrieved_timestamp": "1767225600",
         "source_metadata": {"source_type": "documentation", "source_organization_name": "Org", "evaluator_relationship": "third_party"},
         "model_info": {"name": "Shown name", "id": "{{model}}"},
         "eval_library": {"name": "unknown", "version": "unknown"},
         "evaluation_results": [{"evaluation_name": "MMLU-Pro", "source_data": {"dataset_name": "MMLU-Pro", "source_type": "url", "url": ["https://example.org"]},
           "metric_config": {"lower_is_better": false, "score_type": "continuous", "min_score": 0, "max_score": {{max}}},
           "score_details": {"score": {{score.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "uncertainty": {"standard_error": {"value": {{se.ToString(System.Globalization.CultureInfo.InvariantCulture)}} } } } } ]}
        """;

    [Fact]
    public async Task Every_eval_ever_records_on_two_scales_land_on_one_when_normalised()
    {
        var files = new[]
        {
            ("page.json", EveryEvalRecord("acme/m-7b", 52.08, 0.4, 100), V1.FileRole.Results),
            ("run.json", EveryEvalRecord("acme/m-1b", 0.46, 0.005, 1), V1.FileRole.Results),
        };
        var refused = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportFilesTests.ImportAsync(_client, Header("eee", V1.ResultFormat.EveryEvalEver), files));
        Assert.Contains("normalize_scores", Rpc.Detail<Google.Rpc.BadRequest>(refused).FieldViolations.Single().Description, StringComparison.Ordinal);

        var header = Header("eee", V1.ResultFormat.EveryEvalEver);
        header.Options.NormalizeScores = true;
        var response = await ImportFilesTests.ImportAsync(_client, header, files, chunkBytes: 64);
        Assert.Equal(2, response.ModelsAdded);
        var models = (await _client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/eee" })).Models;
        var big = models.Single(m => m.Name == "acme/m-7b");
        Assert.Equal(0.5208, big.Scores["MMLU-Pro"], 12);
        Assert.Equal(0.004, big.StandardErrors["MMLU-Pro"], 12);
    }

    [Fact]
    public async Task A_truncated_every_eval_ever_record_names_the_file()
    {
        var text = EveryEvalRecord("m", 0.5, 0.01, 1);
        var status = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportFilesTests.ImportAsync(_client, Header("eee-bad", V1.ResultFormat.EveryEvalEver),
            [("6f1e-uuid.json", text[..(text.Length / 2)], V1.FileRole.Results)]));
        var v = Rpc.Detail<Google.Rpc.BadRequest>(status).FieldViolations.Single();
        Assert.StartsWith("6f1e-uuid.json:", v.Field, StringComparison.Ordinal);
        Assert.StartsWith("not valid JSON", v.Description, StringComparison.Ordinal);
    }

    private static string InspectLog(string model, string status) =>
        "{\"version\": 2, \"status\": \"" + status + "\", \"eval\": {\"task\": \"inspect_evals/gpqa_diamond\", \"model\": \"" + model + "\"},\n" +
        " \"results\": {\"completed_samples\": 198, \"scores\": [{\"name\": \"choice\", \"metrics\": {\"accuracy\": {\"value\": 0.5}, \"stderr\": {\"value\": NaN}}}]},\n" +
        " \"samples\": []}";

    private static byte[] EvalZip(params (string Name, string Text)[] members)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in members)
            {
                using var w = zip.CreateEntry(name).Open();
                w.Write(Encoding.UTF8.GetBytes(text));
            }
        }

        return stream.ToArray();
    }

    private async Task<V1.ImportFilesResponse> UploadBytesAsync(string dataset, params (string Name, byte[] Bytes)[] files)
    {
        using var call = _client.ImportFiles();
        await call.RequestStream.WriteAsync(new V1.ImportFilesRequest { Header = Header(dataset, V1.ResultFormat.InspectAi) });
        foreach (var (name, bytes) in files)
        {
            await call.RequestStream.WriteAsync(new V1.ImportFilesRequest { Chunk = new V1.FileChunk { FileName = name, Role = V1.FileRole.Results, Content = ByteString.CopyFrom(bytes) } });
        }

        await call.RequestStream.CompleteAsync();
        return await call.ResponseAsync;
    }

    [Fact]
    public async Task Inspect_logs_as_bytes_import_and_an_unfinished_run_is_a_warning()
    {
        var response = await UploadBytesAsync("inspect",
            ("a.eval", EvalZip(("_journal/start.json", "{}"), ("header.json", InspectLog("openai/gpt-4o-2024-08-06", "success")))),
            ("b.json", Encoding.UTF8.GetBytes(InspectLog("hf/Qwen/Qwen2.5-7B-Instruct", "success"))),
            ("c.json", Encoding.UTF8.GetBytes(InspectLog("m", "error"))));
        Assert.Equal(2, response.ModelsAdded);
        Assert.StartsWith("c.json: status 'error'", Assert.Single(response.Warnings), StringComparison.Ordinal);
        var models = (await _client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/inspect" })).Models;
        Assert.Equal(0.5, models.Single(m => m.Name == "openai/gpt-4o-2024-08-06").Scores["inspect_evals/gpqa_diamond"]);
        Assert.Equal(198, models[0].SampleCounts["inspect_evals/gpqa_diamond"]);
    }

    [Fact]
    public async Task An_eval_archive_without_header_json_names_the_file()
    {
        var status = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => UploadBytesAsync("inspect-bad", ("run.eval", EvalZip(("_journal/start.json", "{}")))));
        var v = Rpc.Violation(status, "run.eval:1:1", "");
        Assert.Contains("no header.json", v.Description, StringComparison.Ordinal);
    }
}
