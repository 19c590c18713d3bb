using ObsScaling.Core.Domain;
using ObsScaling.Core.Irt;

namespace ObsScaling.Core.Tests.Irt;

/// <summary>Bad input is refused with the field and the value named, every problem at once.</summary>
public class IrtValidationTests
{
    private static ModelRecord Model(string name, params (string Benchmark, double Score)[] scores) =>
        new(name, null, null, null, null, scores.ToDictionary(s => s.Benchmark, s => s.Score, StringComparer.Ordinal));

    /// <summary>5 models × 3 benchmarks, complete: 15 scores for 9 parameters.</summary>
    private static List<ModelRecord> Good() =>
    [
        Model("a", ("b00", 0.2), ("b01", 0.1), ("b02", 0.05)),
        Model("b", ("b00", 0.4), ("b01", 0.3), ("b02", 0.1)),
        Model("c", ("b00", 0.6), ("b01", 0.5), ("b02", 0.3)),
        Model("d", ("b00", 0.8), ("b01", 0.7), ("b02", 0.5)),
        Model("e", ("b00", 0.9), ("b01", 0.85), ("b02", 0.7)),
    ];

    private static readonly MetricInfo[] Three = IrtData.Benchmarks(3);

    [Fact]
    public void The_good_matrix_fits()
    {
        var fit = ItemResponseModel.Fit(Good(), Three);
        Assert.True(fit.Converged);
        Assert.Equal("b00", fit.Anchor);
        Assert.Equal(9, fit.ParameterCount);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(1.5, "1.5")]
    [InlineData(-0.1, "-0.1")]
    public void A_score_that_is_not_a_finite_number_in_0_1_names_its_cell(double score, string shown)
    {
        var models = Good();
        models[2] = Model("c", ("b00", 0.6), ("b01", score), ("b02", 0.3));
        var ex = Assert.Throws<ObsValidationException>(() => ItemResponseModel.Fit(models, Three));
        Assert.IsNotType<ObsPreconditionException>(ex);
        var v = Assert.Single(ex.Violations);
        Assert.Equal("models[2].scores[b01]", v.Field);
        Assert.Equal(shown, v.Value);
    }

    [Fact]
    public void Every_bad_score_is_reported_at_once()
    {
        var models = Good();
        models[0] = Model("a", ("b00", double.NaN), ("b01", 0.1), ("b02", 0.05));
        models[4] = Model("e", ("b00", 0.9), ("b01", 2), ("b02", 0.7));
        var ex = Assert.Throws<ObsValidationException>(() => ItemResponseModel.Fit(models, Three));
        Assert.Equal(["models[0].scores[b00]", "models[4].scores[b01]"], ex.Violations.Select(v => v.Field));
    }

    [Fact]
    public void A_benchmark_with_fewer_than_two_scores_is_named_with_its_count()
    {
        var models = Good();
        models.Add(Model("f", ("b00", 0.5), ("b03", 0.4)));
        var ex = Assert.Throws<ObsPreconditionException>(() => ItemResponseModel.Fit(models, IrtData.Benchmarks(4)));
        var v = Assert.Single(ex.Violations);
        Assert.Equal("benchmarks[b03]", v.Field);
        Assert.Equal("1", v.Value);
    }

    [Fact]
    public void A_model_with_no_scores_on_the_benchmarks_is_named()
    {
        var models = Good();
        models.Add(Model("no-scores", ("other", 0.5)));
        var ex = Assert.Throws<ObsPreconditionException>(() => ItemResponseModel.Fit(models, Three));
        var v = Assert.Single(ex.Violations);
        Assert.Equal("models[5].scores", v.Field);
        Assert.Equal("no-scores", v.Value);
    }

    [Fact]
    public void An_anchor_that_is_not_a_benchmark_is_named()
    {
        var ex = Assert.Throws<ObsValidationException>(() => ItemResponseModel.Fit(Good(), Three, new IrtOptions { AnchorBenchmark = "MMLU" }));
        var v = Assert.Single(ex.Violations);
        Assert.Equal("irt.anchor_benchmark", v.Field);
        Assert.Equal("MMLU", v.Value);
    }

    [Fact]
    public void Bad_options_are_named_together()
    {
        var options = new IrtOptions { Ridge = -1, MaxIterations = 0, Tolerance = double.NaN };
        var ex = Assert.Throws<ObsValidationException>(() => ItemResponseModel.Fit(Good(), Three, options));
        Assert.Equal(["irt.ridge", "irt.max_iterations", "irt.tolerance"], ex.Violations.Select(v => v.Field));
        Assert.Equal(["-1", "0", "NaN"], ex.Violations.Select(v => v.Value));
    }

    [Fact]
    public void Duplicate_model_and_benchmark_names_are_named()
    {
        var models = Good();
        models.Add(Model("a", ("b00", 0.3)));
        MetricInfo[] benchmarks = [.. Three, new MetricInfo("b01")];
        var ex = Assert.Throws<ObsValidationException>(() => ItemResponseModel.Fit(models, benchmarks));
        Assert.Equal(["benchmarks[3].name", "models[5].name"], ex.Violations.Select(v => v.Field));
    }

    [Fact]
    public void A_chance_floor_outside_0_1_is_named_when_floors_are_on()
    {
        MetricInfo[] benchmarks = [new("b00", Chance: 0.25), new("b01", Chance: 1), new("b02")];
        Assert.True(ItemResponseModel.Fit(Good(), benchmarks).Converged);
        var ex = Assert.Throws<ObsValidationException>(() => ItemResponseModel.Fit(Good(), benchmarks, new IrtOptions { ChanceFloors = true }));
        var v = Assert.Single(ex.Violations);
        Assert.Equal("benchmarks[b01].chance", v.Field);
        Assert.Equal("1", v.Value);
    }

    [Fact]
    public void No_more_scores_than_parameters_is_a_precondition_failure()
    {
        // 2 models × 3 benchmarks: 6 scores for 2 + 2·2 = 6 parameters leave no degree of freedom for s².
        var ex = Assert.Throws<ObsPreconditionException>(() => ItemResponseModel.Fit(Good().Take(2).ToList(), Three));
        var v = Assert.Single(ex.Violations);
        Assert.Equal("models", v.Field);
        Assert.Equal("6 scores", v.Value);
    }

    [Fact]
    public void An_estimate_names_a_bad_score_and_refuses_scores_on_no_fitted_benchmark()
    {
        var fit = ItemResponseModel.Fit(Good(), Three);
        var bad = Assert.Throws<ObsValidationException>(() => fit.Estimate("new", new Dictionary<string, double> { ["b01"] = double.NaN }));
        Assert.Equal("scores[b01]", Assert.Single(bad.Violations).Field);
        var none = Assert.Throws<ObsPreconditionException>(() => fit.Estimate("new", new Dictionary<string, double> { ["MMLU"] = 0.5 }));
        var v = Assert.Single(none.Violations);
        Assert.Equal("scores", v.Field);
        Assert.Equal("new", v.Value);
        Assert.Equal(1, fit.Estimate("new", new Dictionary<string, double> { ["MMLU"] = 0.5, ["b02"] = 0.2 }).BenchmarkCount);
    }

    [Fact]
    public void Restore_names_every_unusable_value()
    {
        BenchmarkItem[] items = [new("x", double.NaN, 1), new("x", 0, double.PositiveInfinity, 1.0)];
        var ex = Assert.Throws<ObsValidationException>(() => ItemResponseModel.Restore(items, -1, double.NaN));
        Assert.Equal(["benchmarks[0].difficulty", "benchmarks[1].name", "benchmarks[1].slope", "benchmarks[1].floor", "residual_variance", "irt.ridge"], ex.Violations.Select(v => v.Field));
    }

    [Fact]
    public void A_restored_model_estimates_as_the_fit_does()
    {
        var fit = ItemResponseModel.Fit(Good(), Three);
        var restored = ItemResponseModel.Restore(fit.Benchmarks, fit.ResidualVariance, fit.Ridge);
        Assert.Equal("b00", restored.Anchor);
        Assert.Empty(restored.Capabilities);
        var scores = new Dictionary<string, double> { ["b00"] = 0.7, ["b02"] = 0.4 };
        Assert.Equal(fit.Estimate("new", scores), restored.Estimate("new", scores));
    }

    [Fact]
    public void A_cancelled_fit_stops()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => ItemResponseModel.Fit(Good(), Three, cancellationToken: cancelled.Token));
    }
}
