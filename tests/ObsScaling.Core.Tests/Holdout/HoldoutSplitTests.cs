using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;

namespace ObsScaling.Core.Tests.Holdout;

public class HoldoutSplitTests
{
    private static readonly string[] Names = ["a", "b", "c", "d", "e"];

    [Fact]
    public void Cutoff_puts_missing_values_in_test()
    {
        var s = HoldoutSplit.Cutoff("FLOPs (1E21)", 84).Assign(Names, [10, 84, double.NaN, 100, 1]);
        Assert.Equal([0, 1, 4], s.Train);
        Assert.Equal([2, 3], s.Test);
    }

    [Fact]
    public void Cutoff_ratio_uses_the_column_range()
    {
        var s = HoldoutSplit.CutoffRatio("x", 0.5).Assign(Names, [0, 10, 4, 6, 5]);
        Assert.Equal([0, 2, 4], s.Train);
    }

    [Fact]
    public void Top_fraction_floors_and_takes_the_largest()
    {
        // ⌊0.5·5⌋ = 2 largest.
        var s = HoldoutSplit.TopFraction("x", 0.5).Assign(Names, [3, 9, 1, 7, 5]);
        Assert.Equal([1, 3], s.Test);
        var top = HoldoutSplit.Top("x", 1).Assign(Names, [3, 9, 1, 7, double.NaN]);
        Assert.Equal([4], top.Test);
    }

    [Fact]
    public void Random_split_is_seeded()
    {
        var names = Enumerable.Range(0, 40).Select(i => "m" + i).ToArray();
        var a = HoldoutSplit.Random(0.4, 7).Assign(names, null);
        var b = HoldoutSplit.Random(0.4, 7).Assign(names, null);
        Assert.Equal(a.Test, b.Test);
        Assert.NotEqual(a.Test, HoldoutSplit.Random(0.4, 8).Assign(names, null).Test);
        Assert.Equal(16, a.Test.Count);
    }

    [Fact]
    public void Explicit_split_names_test_models_and_rejects_unknown_ones()
    {
        Assert.Equal([1, 3], HoldoutSplit.Explicit(["b", "d"]).Assign(Names, null).Test);
        var ex = Assert.Throws<ObsValidationException>(() => HoldoutSplit.Explicit(["zz"]).Assign(Names, null));
        Assert.Equal("split.test_models[0]", ex.Violations[0].Field);
        Assert.Equal("zz", ex.Violations[0].Value);
    }

    [Fact]
    public void Empty_train_or_test_is_a_precondition_failure()
    {
        var noTest = Assert.Throws<ObsPreconditionException>(() => HoldoutSplit.Cutoff("x", 1e9).Assign(Names, [1, 2, 3, 4, 5]));
        Assert.Equal("split", noTest.Violations[0].Field);
        Assert.Throws<ObsPreconditionException>(() => HoldoutSplit.Cutoff("x", -1).Assign(Names, [1, 2, 3, 4, 5]));
    }

    [Fact]
    public void Bad_parameters_are_named()
    {
        Assert.Equal("split.fraction", Assert.Throws<ObsValidationException>(() => HoldoutSplit.TopFraction("x", 1.5).Assign(Names, [1, 2, 3, 4, 5])).Violations[0].Field);
        Assert.Equal("split.threshold", Assert.Throws<ObsValidationException>(() => HoldoutSplit.Cutoff("x", double.NaN).Assign(Names, [1, 2, 3, 4, 5])).Violations[0].Field);
        Assert.Equal("split.count", Assert.Throws<ObsValidationException>(() => HoldoutSplit.Top("x", 5).Assign(Names, [1, 2, 3, 4, 5])).Violations[0].Field);
    }
}
