using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Tests.Domain;

public class ModelSetTests
{
    private static readonly MetricInfo[] Metrics = [new("MMLU", 0, 1, 0.25), new("GSM8K", 0, 1, 0)];

    [Fact]
    public void Flops_are_computed_from_parameters_and_tokens_when_missing()
    {
        var m = new ModelRecord("llama-2-7b", "Llama-2", 7, 2, null);
        Assert.Equal(84.0, m.FlopsE21);
    }

    [Fact]
    public void Given_flops_are_kept()
    {
        var m = new ModelRecord("x", "F", 7, 2, 100);
        Assert.Equal(100.0, m.FlopsE21);
    }

    [Fact]
    public void Every_bad_value_is_reported_with_its_field()
    {
        var models = new[]
        {
            new ModelRecord("a", "F", 1, 1, null, new Dictionary<string, double> { ["MMLU"] = double.NaN }),
            new ModelRecord("a", "F", -1, 1, null, new Dictionary<string, double> { ["GSM8K"] = 1.5 }),
            new ModelRecord("b", "F", 1, 1, null, new Dictionary<string, double> { ["Nope"] = 0.5, ["MMLU"] = double.PositiveInfinity }),
        };
        var ex = Assert.Throws<ObsValidationException>(() => new ModelSet(models, Metrics));
        var fields = ex.Violations.Select(v => v.Field).ToHashSet();
        Assert.Contains("models[0].scores[MMLU]", fields);
        Assert.Contains("models[1].name", fields);
        Assert.Contains("models[1].parameters_b", fields);
        Assert.Contains("models[1].scores[GSM8K]", fields);
        Assert.Contains("models[2].scores[Nope]", fields);
        Assert.Contains("models[2].scores[MMLU]", fields);
        Assert.Contains(ex.Violations, v => v.Value == "1.5" && v.Description.Contains("range", StringComparison.Ordinal));
    }

    [Fact]
    public void Upsert_replaces_a_model_with_the_same_name_in_place()
    {
        var set = new ModelSet([new ModelRecord("a", "F", 1, 1, null), new ModelRecord("b", "F", 2, 1, null)], Metrics);
        var updated = set.Upsert([new ModelRecord("a", "G", 3, 1, null), new ModelRecord("c", "F", 4, 1, null)]);
        Assert.Equal(["a", "b", "c"], updated.Models.Select(m => m.Name));
        Assert.Equal("G", updated[0].Family);
    }

    [Fact]
    public void Join_keeps_models_in_both_with_downstream_scores()
    {
        var bench = new ModelSet([new ModelRecord("a", "F", 1, 1, null, new Dictionary<string, double> { ["MMLU"] = 0.3 }), new ModelRecord("b", "F", 2, 1, null)], Metrics);
        var down = new ModelSet([new ModelRecord("b", null, null, null, null, new Dictionary<string, double> { ["task"] = 0.7 })], [new MetricInfo("task")]);
        var joined = bench.Join(down);
        Assert.Single(joined.Models);
        Assert.Equal(0.7, joined[0].Score("task"));
        Assert.True(joined.Metrics.ContainsKey("task"));
    }
}
