using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Laws;
using ObsScaling.Core.Selection;
using ObsScaling.Core.Synthetic;

namespace ObsScaling.Core.Tests.Domain;

/// <summary>
/// The list of bad input, one case each: a typed error naming the field and the value, never a NaN
/// or a crash. The service surfaces exactly these violations as INVALID_ARGUMENT / FAILED_PRECONDITION.
/// </summary>
public class BadInputCatalogTests
{
    private static readonly MetricInfo[] Metrics = [new("a"), new("b"), new("c")];

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Nan_or_infinite_scores(double value, string shown)
    {
        var ex = Assert.Throws<ObsValidationException>(() => new ModelSet([Model("m", ("a", value))], Metrics));
        var v = Assert.Single(ex.Violations);
        Assert.Equal("models[0].scores[a]", v.Field);
        Assert.Equal(shown, v.Value);
    }

    [Fact]
    public void Scores_outside_the_declared_range()
    {
        var ex = Assert.Throws<ObsValidationException>(() => new ModelSet([Model("m", ("b", 1.25))], Metrics));
        Assert.Equal(("models[0].scores[b]", "1.25"), (ex.Violations[0].Field, ex.Violations[0].Value));
    }

    [Fact]
    public void Duplicate_model_names()
    {
        var ex = Assert.Throws<ObsValidationException>(() => new ModelSet([Model("m"), Model("m")], Metrics));
        Assert.Equal(("models[1].name", "m"), (ex.Violations[0].Field, ex.Violations[0].Value));
    }

    [Fact]
    public void Fewer_models_than_predictors_plus_two()
    {
        var x = new double[4, 3] { { 1, 2, 3 }, { 2, 1, 0 }, { 0, 1, 1 }, { 3, 1, 2 } };
        var ex = Assert.Throws<ObsPreconditionException>(() => ScalingLawFitter.Fit(x, [0.1, 0.2, 0.3, 0.4]));
        Assert.Equal("models", ex.Violations[0].Field);
        Assert.Equal("4", ex.Violations[0].Value);
    }

    [Fact]
    public void A_constant_metric()
    {
        var x = new double[,] { { 0.5, 0.1 }, { 0.5, 0.2 }, { 0.5, 0.4 } };
        var ex = Assert.Throws<ObsValidationException>(() => CapabilitySpace.Fit(x, ["flat", "b"], new PcaOptions { Components = 1 }));
        Assert.Equal("metrics[flat]", ex.Violations[0].Field);
    }

    [Fact]
    public void An_all_missing_metric()
    {
        var x = new double[,] { { double.NaN, 0.1, 0.3 }, { double.NaN, 0.2, 0.1 }, { double.NaN, 0.4, 0.2 } };
        var ex = Assert.Throws<ObsValidationException>(() => PcaImputer.Fit(x, null, ["empty", "b", "c"]));
        Assert.Equal("metrics[empty]", ex.Violations[0].Field);
    }

    [Theory]
    [InlineData(0.0, null, "models[0].parameters_b")]
    [InlineData(-3.0, null, "models[0].parameters_b")]
    [InlineData(null, 0.0, "models[0].flops_e21")]
    public void Non_positive_flops_or_parameters(double? parameters, double? flops, string field)
    {
        var ex = Assert.Throws<ObsValidationException>(() => new ModelSet([new ModelRecord("m", "F", parameters, null, flops)], Metrics));
        Assert.Equal(field, ex.Violations[0].Field);
    }

    [Fact]
    public void An_empty_train_or_test_set()
    {
        var zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Families = 4 });
        var options = new HoldoutOptions { Target = "downstream", CapabilityMetrics = zoo.BenchmarkNames, Split = HoldoutSplit.Cutoff(ModelColumns.FlopsE21, 1e12) };
        var ex = Assert.Throws<ObsPreconditionException>(() => HoldoutAnalysis.Run(zoo.Models, options));
        Assert.Equal("split", ex.Violations[0].Field);
        Assert.Contains("FLOPs (1E21) <= 1000000000000", ex.Violations[0].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void A_singular_matrix_in_subset_selection()
    {
        // Every model has the same direction in PC space: XᵀX has rank 1 < 3.
        var scores = new double[,] { { 1, 2, 3 }, { 2, 4, 6 }, { 3, 6, 9 }, { -1, -2, -3 } };
        var ex = Assert.Throws<ObsPreconditionException>(() => SubsetSelector.Search(scores, ["f", "f", "g", "g"], ["a", "b", "c", "d"], new SubsetSearchOptions { Budgets = [4] }));
        Assert.Equal("scores", ex.Violations[0].Field);
        Assert.StartsWith("singular matrix", ex.Violations[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_metric_or_column_name()
    {
        var zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Families = 4 });
        var ex = Assert.Throws<ObsValidationException>(() => HoldoutAnalysis.Run(zoo.Models, new HoldoutOptions
        {
            Target = "nonexistent",
            CapabilityMetrics = ["bench-1", "bench-99"],
            Split = HoldoutSplit.Cutoff("no such column", 1),
        }));
        Assert.Contains(ex.Violations, v => v is { Field: "target", Value: "nonexistent" });
        Assert.Contains(ex.Violations, v => v is { Field: "capability_metrics[1]", Value: "bench-99" });
        Assert.Contains(ex.Violations, v => v is { Field: "split.column", Value: "no such column" });
    }

    [Fact]
    public void A_fit_that_does_not_converge_says_so()
    {
        var zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Families = 6 });
        var x = new double[zoo.Models.Count, 1];
        var y = zoo.Models.Column("downstream");
        for (var i = 0; i < y.Length; i++)
        {
            x[i, 0] = Math.Log(zoo.Models[i].FlopsE21!.Value);
        }

        var law = ScalingLawFitter.Fit(x, y, new ScalingLawOptions { MaxIterations = 1, ExtraStarts = 0 });
        Assert.False(law.Converged);
        Assert.Contains("limit", law.Message, StringComparison.Ordinal);
        Assert.All(law.Weights.Append(law.Intercept).Append(law.Floor).Append(law.TrainMse), v => Assert.True(double.IsFinite(v)));
    }

    private static ModelRecord Model(string name, params (string Metric, double Value)[] scores) =>
        new(name, "F", 1, 1, null, scores.ToDictionary(s => s.Metric, s => s.Value));
}
