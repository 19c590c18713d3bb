using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Tests.Laws;

public class TargetTransformTests
{
    public static TheoryData<TargetTransform> Transforms() => [TargetTransform.None, TargetTransform.MinMax(0.25, 1), TargetTransform.Logit, TargetTransform.Log];

    [Theory]
    [MemberData(nameof(Transforms))]
    public void Invert_undoes_Apply(TargetTransform transform)
    {
        foreach (var y in new[] { 0.0, 1e-6, 0.01, 0.25, 0.5, 0.9, 0.999999, 1.0 })
        {
            Assert.Equal(y, transform.Invert(transform.Apply(y)), 1e-12);
        }
    }

    [Fact]
    public void MinMax_maps_chance_to_zero_and_the_top_to_one()
    {
        var t = TargetTransform.MinMax(0.25, 1);
        Assert.Equal(0.0, t.Apply(0.25));
        Assert.Equal(1.0, t.Apply(1.0));
        Assert.Equal("minmax[0.25, 1]", t.ToString());
    }

    [Fact]
    public void Logit_and_log_use_the_reference_epsilon_and_natural_log()
    {
        Assert.Equal(Math.Log(1e-9 / (1 + 1e-9)), TargetTransform.Logit.Apply(0), 1e-12);
        Assert.Equal(Math.Log(0.5 + 1e-9), TargetTransform.Log.Apply(0.5), 1e-15);
    }

    [Theory]
    [InlineData(800.0, 1 + 1e-9)]
    [InlineData(-800.0, -1e-9)]
    public void Inverting_an_extreme_logit_stays_finite(double t, double expected)
    {
        Assert.Equal(expected, TargetTransform.Logit.Invert(t), 1e-15);
    }
}
