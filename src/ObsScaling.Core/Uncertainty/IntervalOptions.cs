namespace ObsScaling.Core.Uncertainty;

/// <summary>Settings of forecast intervals. The same seed always gives the same intervals, however many cores run them.</summary>
public sealed record IntervalOptions
{
    public IntervalMethod Method { get; init; } = IntervalMethod.FamilyBootstrap;

    /// <summary>Nominal coverage, in (0, 1).</summary>
    public double Level { get; init; } = 0.9;

    /// <summary>Bootstrap replicates.</summary>
    public int Resamples { get; init; } = 1000;

    public int Seed { get; init; } = 1;
}
