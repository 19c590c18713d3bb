using ObsScaling.Core.Capability;
using ObsScaling.Core.Equivalence;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Holdout;

/// <summary>A model left out of an analysis, and why.</summary>
public sealed record DroppedModel(string Model, string Reason);

/// <summary>The outcome of one holdout analysis.</summary>
public sealed record HoldoutResult
{
    public required HoldoutOptions Options { get; init; }

    public required FittedLaw Law { get; init; }

    public required IReadOnlyList<ModelPrediction> Train { get; init; }

    public required IReadOnlyList<ModelPrediction> Test { get; init; }

    /// <summary>Mean squared error on the training rows (transformed target scale).</summary>
    public required double TrainMse { get; init; }

    /// <summary>Mean squared error on the test rows (transformed target scale).</summary>
    public required double TestMse { get; init; }

    public required double TestMae { get; init; }

    /// <summary>The capability space fitted on the training rows (null for compute baselines).</summary>
    public CapabilitySpace? Space { get; init; }

    public PcaImputation? Imputation { get; init; }

    /// <summary>The item-response model fitted on the training rows (IRT-capability laws only); its benchmarks are frozen for forecasts.</summary>
    public Irt.ItemResponseModel? ItemResponse { get; init; }

    public EquivalentCompute? Equivalent { get; init; }

    public required IReadOnlyList<DroppedModel> Dropped { get; init; }

    /// <summary>Share of test models whose observed value lies inside its interval (null without intervals).</summary>
    public double? Coverage { get; init; }

    /// <summary>What puts intervals on later forecasts (null without intervals).</summary>
    public Uncertainty.IntervalModel? Intervals { get; init; }

    public IEnumerable<ModelPrediction> All => Train.Concat(Test);
}
