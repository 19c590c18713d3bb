using Grpc.Core;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Errors;

/// <summary>
/// The core's bad-input list through ImportModels: every case is INVALID_ARGUMENT with a BadRequest naming the
/// field (by the stream's own model index) and quoting the value, and nothing is stored.
/// </summary>
public class ImportErrorTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private readonly V1.ObsScaling.ObsScalingClient _client = shared.Client;

    [Theory]
    [InlineData(double.NaN, "NaN", "a score must be a finite number")]
    [InlineData(double.PositiveInfinity, "Infinity", "a score must be a finite number")]
    [InlineData(double.NegativeInfinity, "-Infinity", "a score must be a finite number")]
    [InlineData(1.5, "1.5", "outside the metric's declared range [0, 1]")]
    [InlineData(-0.25, "-0.25", "outside the metric's declared range [0, 1]")]
    public async Task A_bad_score_is_invalid_argument_naming_model_and_metric(double score, string quoted, string reason)
    {
        var dataset = "bad-score-" + Guid.NewGuid().ToString("N")[..8];
        var description = await Rpc.InvalidAsync(
            () => Rpc.ImportRawAsync(_client, Rpc.Import(dataset, [Rpc.Metric("mmlu"), Rpc.Metric("arc")], Rpc.Model("ok", "f", ("mmlu", 0.5)), Rpc.Model("bad", "f", ("mmlu", 0.4), ("arc", score)))),
            "models[1].scores[arc]",
            quoted);
        Assert.Contains(reason, description, StringComparison.Ordinal);
        await Rpc.NotFoundAsync(() => _client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/" + dataset }).ResponseAsync, "Dataset", "datasets/" + dataset);
    }

    [Fact]
    public async Task A_score_outside_a_declared_custom_range_names_the_range()
    {
        var description = await Rpc.InvalidAsync(
            () => Rpc.ImportRawAsync(_client, Rpc.Import("custom-range", [Rpc.Metric("elo", 0, 100)], Rpc.Model("a", "f", ("elo", 40)), Rpc.Model("b", "f", ("elo", 100.5)))),
            "models[1].scores[elo]",
            "100.5");
        Assert.Contains("[0, 100]", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_bad_value_is_reported_at_once()
    {
        var bad = Rpc.Model("b", "f", ("mmlu", double.NaN));
        bad.FlopsE21 = -3;
        var status = await Rpc.FailsAsync(StatusCode.InvalidArgument, () => Rpc.ImportRawAsync(_client, Rpc.Import("many-bad", [Rpc.Metric("mmlu")], Rpc.Model("a", "f", ("mmlu", 2)), bad)));
        Rpc.Violation(status, "models[0].scores[mmlu]", "2");
        Rpc.Violation(status, "models[1].scores[mmlu]", "NaN");
        Rpc.Violation(status, "models[1].flops_e21", "-3");
        Assert.Equal(3, Rpc.Detail<Google.Rpc.BadRequest>(status).FieldViolations.Count);
    }

    [Fact]
    public async Task Duplicate_model_names_in_one_import_name_both_positions()
    {
        var description = await Rpc.InvalidAsync(
            () => Rpc.ImportRawAsync(_client, Rpc.Import("dupes", [Rpc.Metric("mmlu")], Rpc.Model("a"), Rpc.Model("twin"), Rpc.Model("twin"))),
            "models[2].name",
            "twin");
        Assert.Contains("models[1]", description, StringComparison.Ordinal);
        await Rpc.NotFoundAsync(() => _client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "dupes" }).ResponseAsync, "Dataset", "datasets/dupes");
    }

    [Theory]
    [InlineData("flops_e21", 0.0, "0")]
    [InlineData("flops_e21", -1e-3, "-0.001")]
    [InlineData("parameters_b", 0.0, "0")]
    [InlineData("parameters_b", -7.0, "-7")]
    [InlineData("tokens_t", double.NaN, "NaN")]
    [InlineData("parameters_b", double.PositiveInfinity, "Infinity")]
    public async Task Non_positive_or_non_finite_compute_is_invalid_argument(string field, double value, string quoted)
    {
        var model = new V1.Model { Name = "m", Family = "f" };
        switch (field)
        {
            case "flops_e21": model.FlopsE21 = value; break;
            case "parameters_b": model.ParametersB = value; break;
            default: model.TokensT = value; break;
        }

        var description = await Rpc.InvalidAsync(() => Rpc.ImportRawAsync(_client, Rpc.Import("compute-" + Guid.NewGuid().ToString("N")[..8], [Rpc.Metric("mmlu")], Rpc.Model("fine"), model)), $"models[1].{field}", quoted);
        Assert.Contains("positive", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_score_for_an_undeclared_metric_names_it()
    {
        await Rpc.InvalidAsync(() => Rpc.ImportRawAsync(_client, Rpc.Import("undeclared", [Rpc.Metric("mmlu")], Rpc.Model("a", "f", ("gsm8k", 0.5)))), "models[0].scores[gsm8k]", "0.5");
    }

    [Fact]
    public async Task An_unnamed_model_is_invalid_argument()
    {
        await Rpc.InvalidAsync(() => Rpc.ImportRawAsync(_client, Rpc.Import("unnamed", [Rpc.Metric("mmlu")], Rpc.Model("a"), new V1.Model { Name = "  " })), "models[1].name", "  ");
    }

    [Fact]
    public async Task A_metric_with_an_empty_range_is_invalid_argument()
    {
        await Rpc.InvalidAsync(() => Rpc.ImportRawAsync(_client, Rpc.Import("bad-metric", [Rpc.Metric("elo", 5, 1)], Rpc.Model("a"))), "metrics[elo].range", "[5, 1]");
    }

    [Fact]
    public async Task A_model_before_the_header_is_invalid_argument()
    {
        var description = await Rpc.InvalidAsync(() => Rpc.ImportRawAsync(_client, [new V1.ImportModelsRequest { Model = Rpc.Model("a") }]), "header", "");
        Assert.Contains("first message must be a header", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_stream_has_no_header()
    {
        var description = await Rpc.InvalidAsync(() => Rpc.ImportRawAsync(_client, []), "header", "");
        Assert.Contains("no header", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_header_is_invalid_argument()
    {
        var messages = Rpc.Import("two-headers", [Rpc.Metric("mmlu")], Rpc.Model("a")).Append(new V1.ImportModelsRequest { Header = new V1.ImportHeader { Dataset = "other" } });
        await Rpc.InvalidAsync(() => Rpc.ImportRawAsync(_client, messages), "header", "other");
        await Rpc.NotFoundAsync(() => _client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "two-headers" }).ResponseAsync, "Dataset", "datasets/two-headers");
    }

    [Fact]
    public async Task An_empty_message_names_its_position()
    {
        var messages = Rpc.Import("empty-msg", [Rpc.Metric("mmlu")], Rpc.Model("a")).Append(new V1.ImportModelsRequest());
        await Rpc.InvalidAsync(() => Rpc.ImportRawAsync(_client, messages), "messages[2]", "");
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("datasets/x")]
    [InlineData("-leading-dash")]
    [InlineData("has space")]
    [InlineData("a/b")]
    public async Task A_bad_dataset_id_in_the_header_is_invalid_argument(string id)
    {
        await Rpc.InvalidAsync(() => Rpc.ImportRawAsync(_client, Rpc.Import(id, [Rpc.Metric("mmlu")], Rpc.Model("a"))), "header.dataset", id);
    }

    [Fact]
    public async Task Create_mode_on_an_existing_dataset_is_already_exists_and_append_to_a_missing_one_not_found()
    {
        var set = Rpc.SmallZoo();
        await Uploads.ImportAsync(_client, "exists", set, V1.ImportMode.Create);
        await Rpc.ExistsAsync(() => Uploads.ImportAsync(_client, "exists", set, V1.ImportMode.Create), "Dataset", "datasets/exists");
        await Rpc.NotFoundAsync(() => Uploads.ImportAsync(_client, "never-made", set, V1.ImportMode.Append), "Dataset", "datasets/never-made");

        var stored = await _client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/exists" });
        Assert.Equal(1, stored.Revision);
        Assert.Equal(set.Count, stored.ModelCount);
        await Rpc.NotFoundAsync(() => _client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/never-made" }).ResponseAsync, "Dataset", "datasets/never-made");
    }

    [Fact]
    public async Task A_bad_append_leaves_the_dataset_as_it_was()
    {
        var set = Rpc.SmallZoo();
        var first = await Uploads.ImportAsync(_client, "append-bad", set);
        await Rpc.InvalidAsync(
            () => Rpc.ImportRawAsync(_client, Rpc.Import("append-bad", [], Rpc.Model("new-one", "f", ("bench-1", 0.3)), Rpc.Model("broken", "f", ("bench-2", double.NaN)))),
            "models[1].scores[bench-2]",
            "NaN");
        var after = await _client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "append-bad" });
        Assert.Equal(first.Dataset.Etag, after.Etag);
        Assert.Equal(first.Dataset.Revision, after.Revision);
        Assert.Equal(set.Count, after.ModelCount);
    }
}
