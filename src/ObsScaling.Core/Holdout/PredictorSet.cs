using System.Globalization;

namespace ObsScaling.Core.Holdout;

public enum PredictorKind
{
    /// <summary>PC-1..k of the capability space fitted on the training rows.</summary>
    PrincipalComponents,

    /// <summary>ln(FLOPs (1E21) + 1e-9): the compute-only baseline (natural log, as the reference).</summary>
    LogFlops,

    /// <summary>ln(Model Size (B) + 1e-9): the parameter-count baseline.</summary>
    LogParameters,

    /// <summary>Raw benchmark scores (imputed where the benchmark is among the imputation metrics).</summary>
    Metrics,

    /// <summary>
    /// The item-response capability C of a model (docs/method.md §13), fitted on the training rows' capability metrics
    /// without imputation; test rows are placed with the benchmarks' parameters frozen.
    /// </summary>
    IrtCapability,
}

/// <summary>What a law is a function of.</summary>
public sealed record PredictorSet
{
    public const double LogEpsilon = 1e-9;

    /// <summary>
    /// The compute baselines' predictor, ln(value + 1e-9), in one place: a fit and a later forecast from the stored
    /// law must transform FLOPs and parameter counts identically.
    /// </summary>
    public static double LogCompute(double value) => Math.Log(value + LogEpsilon);

    private PredictorSet(PredictorKind kind, int components, IReadOnlyList<string> metrics)
    {
        Kind = kind;
        Components = components;
        MetricNames = metrics;
    }

    public PredictorKind Kind { get; }

    public int Components { get; }

    public IReadOnlyList<string> MetricNames { get; }

    public static PredictorSet LogFlops { get; } = new(PredictorKind.LogFlops, 0, []);

    public static PredictorSet LogParameters { get; } = new(PredictorKind.LogParameters, 0, []);

    public static PredictorSet PrincipalComponents(int k) => new(PredictorKind.PrincipalComponents, k, []);

    public static PredictorSet Metrics(params string[] names) => new(PredictorKind.Metrics, 0, names);

    public static PredictorSet IrtCapability { get; } = new(PredictorKind.IrtCapability, 0, []);

    public int Dimension => Kind switch
    {
        PredictorKind.PrincipalComponents => Components,
        PredictorKind.Metrics => MetricNames.Count,
        _ => 1,
    };

    public IReadOnlyList<string> Names => Kind switch
    {
        PredictorKind.PrincipalComponents => Enumerable.Range(1, Components).Select(i => "PC-" + i.ToString(CultureInfo.InvariantCulture)).ToArray(),
        PredictorKind.LogFlops => ["ln FLOPs"],
        PredictorKind.LogParameters => ["ln params"],
        PredictorKind.IrtCapability => ["C (IRT)"],
        _ => MetricNames,
    };

    public override string ToString() => Kind switch
    {
        PredictorKind.PrincipalComponents => Components == 1 ? "PC-1" : $"PC-1..{Components}",
        PredictorKind.Metrics => string.Join("+", MetricNames),
        PredictorKind.IrtCapability => "IRT capability",
        _ => Names[0],
    };
}
