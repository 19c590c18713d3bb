namespace ObsScaling.Core.Synthetic;

/// <summary>How benchmark scores depend on the latent capability.</summary>
public enum BenchmarkResponse
{
    /// <summary>score = base + loading·S: the PCA recovers the latent space exactly (up to noise).</summary>
    Linear,

    /// <summary>score = chance + (1 − chance)·σ(base + loading·S): saturating, as real benchmarks are.</summary>
    Sigmoid,
}

/// <summary>
/// A generated model zoo drawn from the generalised scaling law: families with their own compute
/// efficiency, benchmark scores from a latent capability space, and a sigmoid downstream task.
/// </summary>
public sealed record SyntheticZooOptions
{
    public int Seed { get; init; } = 1;

    public int Families { get; init; } = 12;

    /// <summary>Models per family (sizes spread over 0.1B–100B).</summary>
    public int ModelsPerFamily { get; init; } = 5;

    public int Benchmarks { get; init; } = 8;

    /// <summary>Dimension of the latent capability space.</summary>
    public int LatentDimensions { get; init; } = 2;

    public BenchmarkResponse Response { get; init; } = BenchmarkResponse.Sigmoid;

    /// <summary>Standard deviation of the benchmark noise.</summary>
    public double BenchmarkNoise { get; init; } = 0.01;

    /// <summary>Share of benchmark cells left missing (never a whole model or a whole benchmark).</summary>
    public double MissingFraction { get; init; }

    /// <summary>Spread of the families' compute efficiency (latent offset at equal compute).</summary>
    public double EfficiencySpread { get; init; } = 0.6;

    /// <summary>Downstream law: y = (1 − b)·σ(c + w·S) + b + noise.</summary>
    public double DownstreamIntercept { get; init; } = -1.0;

    public IReadOnlyList<double> DownstreamWeights { get; init; } = [2.5, 1.0];

    public double DownstreamFloor { get; init; } = 0.1;

    public double DownstreamNoise { get; init; } = 0.01;

    public string DownstreamName { get; init; } = "downstream";
}
