using System.Text;
using Google.Protobuf;
using Grpc.Core;
using ObsScaling.Core.Import;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using ObsScaling.Testing;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Services;

/// <summary>
/// ImportFiles end to end: the paper's leaderboard-v2 BBH analysis written as lm-evaluation-harness results files
/// plus a metadata CSV, uploaded in chunks, must store exactly the models the paper's CSV gives and reproduce the
/// golden fit; malformed files come back as INVALID_ARGUMENT naming file:line:column, with nothing stored.
/// </summary>
public class ImportFilesTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private readonly V1.ObsScaling.ObsScalingClient _client = shared.Client;

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    internal static async Task<V1.ImportFilesResponse> ImportAsync(V1.ObsScaling.ObsScalingClient client, V1.ImportFilesHeader header, IEnumerable<(string Name, string Text, V1.FileRole Role)> files, int chunkBytes = 4096)
    {
        using var call = client.ImportFiles();
        try
        {
            await call.RequestStream.WriteAsync(new V1.ImportFilesRequest { Header = header });
            foreach (var (name, text, role) in files)
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                for (var at = 0; at == 0 || at < bytes.Length; at += chunkBytes)
                {
                    var chunk = new V1.FileChunk { FileName = name, Role = role, Content = ByteString.CopyFrom(bytes, at, Math.Min(chunkBytes, bytes.Length - at)) };
                    await call.RequestStream.WriteAsync(new V1.ImportFilesRequest { Chunk = chunk });
                }
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server answered early; its status is what counts.
        }

        return await call.ResponseAsync;
    }

    private static V1.ImportFilesHeader Header(string dataset, V1.ResultFormat format, params string[] metrics)
    {
        var h = new V1.ImportFilesHeader { Dataset = dataset, Options = new V1.ResultImportOptions { Format = format } };
        h.Options.Metrics.AddRange(metrics);
        return h;
    }

    [SkippableFact]
    public async Task Harness_files_and_metadata_store_the_papers_models_and_reproduce_the_golden_fit()
    {
        PaperData.SkipIfAbsent();
        var analysis = PaperAnalyses.LeaderboardV2(PaperData.Open, "bbh");
        var paper = analysis.Models;
        var files = paper.Models.Select(m => (LmEvalFiles.FileName(m), LmEvalFiles.Results(m), V1.FileRole.Results))
            .Append(("sizes.csv", LmEvalFiles.Metadata(paper.Models), V1.FileRole.Metadata)).ToList();

        var header = Header("lbv2-from-harness", V1.ResultFormat.LmEvalHarness, LmEvalFiles.Selections(paper.MetricOrder));
        var strict = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(_client, header, files));
        // Four models were not evaluated on one benchmark each: an error unless missing tasks are allowed.
        Rpc.Violation(strict, "results_tiiuae__falcon-7b.json:2:14", "humaneval");
        header.Options.AllowMissingTasks = true;
        var response = await ImportAsync(_client, header, files, chunkBytes: 700);
        Assert.Equal(paper.Count, response.ModelsRead);
        Assert.Equal(paper.Count, response.ModelsAdded);
        Assert.Equal(paper.Count, response.Files.Count);

        // The same models through ImportModels from the paper's CSV: the stored models must be identical.
        await Uploads.ImportAsync(_client, "lbv2-from-paper", paper);
        var imported = await _client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/lbv2-from-harness", PageSize = 1000 });
        var expected = await _client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/lbv2-from-paper", PageSize = 1000 });
        Assert.Equal(expected.Models.Count, imported.Models.Count);
        foreach (var (want, got) in expected.Models.OrderBy(m => m.Name, StringComparer.Ordinal).Zip(imported.Models.OrderBy(m => m.Name, StringComparer.Ordinal)))
        {
            Assert.Equal(want.ToString(), got.ToString());
        }

        var spec = new V1.FitSpec
        {
            Target = "leaderboard_bbh",
            Transform = new V1.Transform { Kind = V1.TransformKind.MinMax, Low = PaperMetrics.BbhRandomMean, High = 1 },
            CapabilityMetrics = { PaperMetrics.NonGsmBenchmarks },
            Link = V1.Link.Sigmoid,
            Loss = V1.Loss.Huber,
            Split = new V1.Split { Kind = V1.SplitKind.Cutoff, Column = "FLOPs (1E21)", Threshold = 84 },
        };
        var decomposition = await _client.DecomposeAsync(new V1.DecomposeRequest { Dataset = "datasets/lbv2-from-harness", Metrics = { PaperMetrics.NonGsmBenchmarks } });
        Assert.Equal(paper.Count, decomposition.Models.Count);
        var fit = await Uploads.FitAsync(_client, "lbv2-from-harness", spec);
        var golden = Golden.Case("holdouts", "lbv2_bbh_pc3");
        Golden.RelativeClose(golden.GetProperty("mse_test_ls_tight").GetDouble(), fit.TestMse, 1e-6, "test MSE");
    }

    [Fact]
    public async Task A_malformed_file_names_file_line_and_column_and_nothing_is_stored()
    {
        var header = Header("bad-json", V1.ResultFormat.LmEvalHarness, "mmlu=acc,none");
        var status = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(_client, header,
            [("results_bad_syntax.json", Fixture("results_bad_syntax.json"), V1.FileRole.Results), ("ok.json", Fixture("results_2024-06-11T10-02-13.json"), V1.FileRole.Results)], chunkBytes: 16));
        var v = Rpc.Violation(status, "results_bad_syntax.json:5:7", "\"acc_stderr,none\": 0.004,");
        Assert.StartsWith("not valid JSON", v.Description, StringComparison.Ordinal);
        await Rpc.NotFoundAsync(() => _client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/bad-json" }).ResponseAsync, "Dataset", "datasets/bad-json");
    }

    [Fact]
    public async Task A_missing_key_lists_the_keys_the_task_has()
    {
        var header = Header("missing-key", V1.ResultFormat.LmEvalHarness, "gsm8k=exact_match,flexible-extract");
        var status = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(_client, header, [("results_2024-03-01T12-00-00.json", Fixture("results_2024-03-01T12-00-00.json"), V1.FileRole.Results)]));
        var v = Rpc.Violation(status, "results_2024-03-01T12-00-00.json:3:14", "exact_match,flexible-extract");
        Assert.Contains("it has: exact_match,get-answer", v.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leaderboard_v2_requires_a_scale_and_bad_cells_are_located()
    {
        var files = new[] { ("open-llm-leaderboard-v2-bad.csv", Fixture("open-llm-leaderboard-v2-bad.csv"), V1.FileRole.Results) };
        var noScale = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(_client, Header("v2-bad", V1.ResultFormat.OpenLlmLeaderboardV2), files));
        Rpc.Violation(noScale, "header.options.scale", "");

        var header = Header("v2-bad", V1.ResultFormat.OpenLlmLeaderboardV2);
        header.Options.Scale = V1.ScoreScale.Raw;
        var bad = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(_client, header, files));
        Rpc.Violation(bad, "open-llm-leaderboard-v2-bad.csv:3:25", "n/a");
        Rpc.Violation(bad, "open-llm-leaderboard-v2-bad.csv:4:21", "1.7");
    }

    [Fact]
    public async Task Leaderboard_v1_with_a_duplicate_policy_and_rules_from_a_file()
    {
        var header = Header("v1-first", V1.ResultFormat.OpenLlmLeaderboardV1);
        var rejected = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(_client, header, [("v1.csv", Fixture("open-llm-leaderboard-v1.csv"), V1.FileRole.Results)]));
        Rpc.Violation(rejected, "v1.csv:7:4", "0.5427");

        header.Options.Duplicates = V1.DuplicatePolicy.Last;
        header.Options.FamilyRules.Add("pythia-12b$ => Pythia-12B-only");
        var response = await ImportAsync(_client, header,
            [("v1.csv", Fixture("open-llm-leaderboard-v1.csv"), V1.FileRole.Results), ("rules.txt", "mistral => Mistral-AI\n", V1.FileRole.FamilyRules)]);
        Assert.Equal(5, response.ModelsAdded);
        Assert.Equal(["Llama-2", "Mistral-AI", "Pythia-12B-only", "Qwen1.5"], response.Dataset.Families.Order(StringComparer.Ordinal));
        var models = await _client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/v1-first" });
        Assert.Equal(0.5427, models.Models.Single(m => m.Name == "Qwen/Qwen1.5-7B").Scores["ARC-C"], 12);
    }

    [Fact]
    public async Task Bad_options_and_bad_streams_are_invalid_argument()
    {
        var noFormat = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(_client, Header("no-format", V1.ResultFormat.Unspecified), [("a.csv", "x", V1.FileRole.Results)]));
        Rpc.Violation(noFormat, "header.options.format", "Unspecified");
        var badMetric = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(_client, Header("bad-metric", V1.ResultFormat.LmEvalHarness, "mmlu=acc"), [("a.json", "{}", V1.FileRole.Results)]));
        Rpc.Violation(badMetric, "header.options.metrics[0]", "mmlu=acc");
        var badRules = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(_client, Header("bad-rules", V1.ResultFormat.TidyCsv), [("t.csv", "model,benchmark,value\nm,MMLU,0.5\n", V1.FileRole.Results), ("r.txt", "ok => A\n(x => B\n", V1.FileRole.FamilyRules)]));
        Rpc.Violation(badRules, "r.txt:2:1", "(x");
        var latin1 = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () =>
        {
            using var call = _client.ImportFiles();
            await call.RequestStream.WriteAsync(new V1.ImportFilesRequest { Header = Header("latin1", V1.ResultFormat.TidyCsv) });
            await call.RequestStream.WriteAsync(new V1.ImportFilesRequest { Chunk = new V1.FileChunk { FileName = "l.csv", Content = ByteString.CopyFrom(0x6d, 0xe9, 0x0a) } });
            await call.RequestStream.CompleteAsync();
            await call.ResponseAsync;
        });
        Assert.Contains("not UTF-8", Rpc.Detail<Google.Rpc.BadRequest>(latin1).FieldViolations.Single().Description, StringComparison.Ordinal);
        var noHeader = await Rpc.FailsAsync(StatusCode.InvalidArgument, async () =>
        {
            using var call = _client.ImportFiles();
            await call.RequestStream.WriteAsync(new V1.ImportFilesRequest { Chunk = new V1.FileChunk { FileName = "a.csv" } });
            await call.RequestStream.CompleteAsync();
            await call.ResponseAsync;
        });
        Rpc.Violation(noHeader, "header", "");
    }
}
