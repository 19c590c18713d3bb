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
}
