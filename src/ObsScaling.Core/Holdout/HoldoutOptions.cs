using ObsScaling.Core.Capability;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Holdout;

/// <summary>One holdout analysis: what to predict, from what, how, and on which split (docs/method.md §2).</summary>
public sealed record HoldoutOptions
{
    /// <summary>The downstream metric to forecast.</summary>
    public required string Target { get; init; }

    public TargetTransform Transform { get; init; } = TargetTransform.None;

    /// <summary>The reference's downstream laws read the first three PCs.</summary>
    public const int DefaultPredictorComponents = 3;

    /// <summary>The family whose compute is the reference-equivalent FLOPs axis unless a request names another.</summary>
    public const string DefaultReferenceFamily = "Llama-2";

    public PredictorSet Predictors { get; init; } = PredictorSet.PrincipalComponents(DefaultPredictorComponents);

    /// <summary>Benchmarks imputed and decomposed into PCs (must not contain the target).</summary>
    public required IReadOnlyList<string> CapabilityMetrics { get; init; }

    public PcaImputationOptions Imputation { get; init; } = new();

    public PcaOptions Pca { get; init; } = new();

    /// <summary>The item-response fit of an <see cref="PredictorKind.IrtCapability"/> law (anchor, chance floors, ridge).</summary>
    public Irt.IrtOptions Irt { get; init; } = new();

    public ScalingLawOptions Law { get; init; } = new();

    public HoldoutSplit Split { get; init; } = HoldoutSplit.Default;

    /// <summary>Models removed from the training part (the reference's heldout_filter), e.g. to fit on a selected subset.</summary>
    public IReadOnlyList<string> ExcludeFromTrain { get; init; } = [];

    /// <summary>Whether models removed by <see cref="ExcludeFromTrain"/> are forecast as test rows.</summary>
    public bool AddExcludedToTest { get; init; }

    /// <summary>Forecast intervals for every prediction (none when null).</summary>
    public Uncertainty.IntervalOptions? Intervals { get; init; }

    /// <summary>The family whose compute defines the equivalent-FLOPs axis (Llama-2; Llama-2-Chat for instruct models).</summary>
    public string ReferenceFamily { get; init; } = DefaultReferenceFamily;
}
