using Grpc.Core;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Errors;

/// <summary>
/// The model fields of 2026 (standard errors, sample counts, release date, organisation) through ImportModels:
/// they come back from ListModels as sent, and a value that could not be used is refused naming its field.
/// </summary>
public class ModelFieldTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private readonly V1.ObsScaling.ObsScalingClient _client = shared.Client;

    [Fact]
    public async Task Standard_errors_counts_release_date_and_organization_round_trip()
    {
        var dataset = "fields-" + Guid.NewGuid().ToString("N")[..8];
        var model = Rpc.Model("m", "f", ("mmlu", 0.52), ("arc", 0.4));
        model.StandardErrors["mmlu"] = 0.0125;
        model.SampleCounts["mmlu"] = 14042;
        model.ReleaseDate = "2026-03-31";
        model.Organization = "Example Lab";
        await Rpc.ImportRawAsync(_client, Rpc.Import(dataset, [Rpc.Metric("mmlu"), Rpc.Metric("arc")], model, Rpc.Model("plain", "f", ("mmlu", 0.3))));

        var listed = await _client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/" + dataset });
        var back = listed.Models.Single(m => m.Name == "m");
        Assert.Equal(0.0125, back.StandardErrors["mmlu"]);
        Assert.False(back.StandardErrors.ContainsKey("arc"));
        Assert.Equal(14042, back.SampleCounts["mmlu"]);
        Assert.Equal("2026-03-31", back.ReleaseDate);
        Assert.Equal("Example Lab", back.Organization);
        var plain = listed.Models.Single(m => m.Name == "plain");
        Assert.False(plain.HasReleaseDate);
        Assert.False(plain.HasOrganization);
        Assert.Empty(plain.StandardErrors);
    }

    [Theory]
    [InlineData("2026-13-01")]
    [InlineData("31/03/2026")]
    [InlineData("2026-3-31")]
    [InlineData("")]
    public async Task A_release_date_that_is_not_a_calendar_date_is_refused(string date)
    {
        var dataset = "bad-date-" + Guid.NewGuid().ToString("N")[..8];
        var model = Rpc.Model("m", "f", ("mmlu", 0.5));
        model.ReleaseDate = date;
        var description = await Rpc.InvalidAsync(() => Rpc.ImportRawAsync(_client, Rpc.Import(dataset, [Rpc.Metric("mmlu")], Rpc.Model("ok", "f", ("mmlu", 0.4)), model)), "models[1].release_date", date);
        Assert.Contains("YYYY-MM-DD", description, StringComparison.Ordinal);
        await Rpc.NotFoundAsync(() => _client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/" + dataset }).ResponseAsync, "Dataset", "datasets/" + dataset);
    }

    [Fact]
    public async Task Unusable_uncertainties_are_refused_at_once_naming_each()
    {
        var model = Rpc.Model("m", "f", ("mmlu", 0.5), ("arc", 0.4));
        model.StandardErrors["mmlu"] = -0.01;
        model.StandardErrors["arc"] = double.NaN;
        model.StandardErrors["gsm8k"] = 0.02;
        model.SampleCounts["mmlu"] = 0;
        model.SampleCounts["hellaswag"] = 100;
        var status = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => Rpc.ImportRawAsync(_client, Rpc.Import("bad-se", [Rpc.Metric("mmlu"), Rpc.Metric("arc"), Rpc.Metric("gsm8k")], model)));
        Assert.Contains("≥ 0", Rpc.Violation(status, "models[0].standard_errors[mmlu]", "-0.01").Description, StringComparison.Ordinal);
        Rpc.Violation(status, "models[0].standard_errors[arc]", "NaN");
        Assert.Contains("needs the model's score", Rpc.Violation(status, "models[0].standard_errors[gsm8k]", "0.02").Description, StringComparison.Ordinal);
        Rpc.Violation(status, "models[0].sample_counts[mmlu]", "0");
        Rpc.Violation(status, "models[0].sample_counts[hellaswag]", "100");
        Assert.Equal(5, Rpc.Detail<Google.Rpc.BadRequest>(status).FieldViolations.Count);
        await Rpc.NotFoundAsync(() => _client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/bad-se" }).ResponseAsync, "Dataset", "datasets/bad-se");
    }
}
