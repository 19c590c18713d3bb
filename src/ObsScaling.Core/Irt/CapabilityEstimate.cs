namespace ObsScaling.Core.Irt;

/// <summary>
/// A model's capability on the fit's scale with its standard error: s/√h, where s² is the fit's residual variance
/// and h the curvature of the least-squares objective in this capability alone, the benchmarks' parameters held
/// fixed (so the error of those parameters is not included).
/// </summary>
/// <param name="BenchmarkCount">How many of the model's scores the estimate used.</param>
public sealed record CapabilityEstimate(string Model, double Capability, double StandardError, int BenchmarkCount);
