using ObsScaling.Core.Holdout;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Laws;
using ObsScaling.Core.Uncertainty;

namespace ObsScaling.Core.Techniques;

/// <summary>
/// Which techniques to compare on one capability axis, and how (docs/method.md §9, post-training setup): every technique
/// metric gets its own law on the same PC predictors; the curves meet on reference-family-equivalent compute.
/// </summary>
public sealed record TechniqueComparisonOptions
{
    /// <summary>The technique the others are measured against (e.g. greedy GSM8K).</summary>
    public required string Baseline { get; init; }

    /// <summary>The techniques compared with the baseline (metrics of the same dataset).</summary>
    public required IReadOnlyList<string> Techniques { get; init; }

    /// <summary>Benchmarks imputed and decomposed into the shared PCs (none may be a technique metric).</summary>
    public required IReadOnlyList<string> CapabilityMetrics { get; init; }

    /// <summary>Leading PCs used as predictors.</summary>
    public int Components { get; init; } = Holdout.HoldoutOptions.DefaultPredictorComponents;

    /// <summary>Models the laws and the capability axis are fitted on (the rest only place the reference family).</summary>
    public HoldoutSplit Split { get; init; } = HoldoutSplit.Default;

    /// <summary>The post-training setup's law: sigmoid with floor, Huber δ = 1.</summary>
    public ScalingLawOptions Law { get; init; } = new() { Loss = LossKind.Huber, HuberDelta = 1.0 };

    public PcaImputationOptions Imputation { get; init; } = new();

    public string ReferenceFamily { get; init; } = Holdout.HoldoutOptions.DefaultReferenceFamily;

    /// <summary>Grid of reference-equivalent log10 FLOPs (units of 1e21): from, to, points.</summary>
    public double GridFrom { get; init; } = -1;

    public double GridTo { get; init; } = 4;

    public int GridPoints { get; init; } = 101;

    /// <summary>Paired bootstrap for the intervals (model or family bootstrap); null: point estimates only.</summary>
    public IntervalOptions? Intervals { get; init; } = new() { Resamples = 200 };
}
