using ObsScaling.Core.Holdout;

namespace ObsScaling.Core.Backtests;

/// <summary>
/// One predictor set's errors in a backtest table. Every mode fills <see cref="TrainMse"/>, <see cref="TestMse"/>
/// and the counts: for a holdout they are the split's; leave-one-family-out pools the test errors of every fold
/// (Σ squared errors / Σ count) and averages the folds' train MSE; a sweep reports its area under the
/// test-MSE-against-share curve in <see cref="AreaUnderError"/> and leaves the pooled errors of all its points in
/// the MSE columns. <see cref="Score"/> is what <see cref="Best"/> ranks by.
/// </summary>
public sealed record BacktestRow
{
    public required PredictorSet Predictors { get; init; }

    public string Name => Predictors.ToString();

    public double TrainMse { get; init; } = double.NaN;

    public double TestMse { get; init; } = double.NaN;

    public int TrainCount { get; init; }

    public int TestCount { get; init; }

    /// <summary>Share of held-out models inside their interval, when the spec asks for intervals.</summary>
    public IntervalCoverage? Coverage { get; init; }

    /// <summary>Why the predictor set could not be evaluated at all; null when it was.</summary>
    public string? Unavailable { get; init; }

    /// <summary>The lowest <see cref="Score"/> of the table.</summary>
    public bool Best { get; init; }

    /// <summary>The holdout's full result (law, predictions); holdout mode only.</summary>
    public HoldoutResult? Holdout { get; init; }

    public IReadOnlyList<FamilyError> Families { get; init; } = [];

    public IReadOnlyList<SweepPoint> Sweep { get; init; } = [];

    /// <summary>Trapezoid area under test MSE against held-out share (the reference's "AUE"); sweeps only.</summary>
    public double? AreaUnderError { get; init; }

    /// <summary>Test MSE, or for a sweep its area under the error curve.</summary>
    public double Score => AreaUnderError ?? TestMse;
}
