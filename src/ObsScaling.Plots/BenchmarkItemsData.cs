namespace ObsScaling.Plots;

/// <summary>A point of a benchmark's curve: the expected score of a model of capability C.</summary>
public sealed record ItemCurvePoint(double Capability, double Score);

/// <summary>One benchmark of an item-response capability model, its curve sampled by the caller (the engine owns the formula).</summary>
/// <param name="Anchor">The benchmark that fixes the scale (difficulty 0, slope 1).</param>
public sealed record BenchmarkCurve(string Benchmark, double Difficulty, double Slope, bool Anchor, IReadOnlyList<ItemCurvePoint> Curve);

/// <summary>A model placed on the capability scale, with one of its observed scores.</summary>
public sealed record BenchmarkScore(string Benchmark, double Capability, double Score);

/// <summary>What the benchmark-items figure draws: each benchmark's curve over the models' capability range, and the scores it was fitted on.</summary>
public sealed record BenchmarkItemsData(string Dataset, IReadOnlyList<BenchmarkCurve> Benchmarks, IReadOnlyList<BenchmarkScore> Scores);
