using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Backtests;

/// <summary>
/// Which shares of the models a sweep holds out, and the column that ranks them: FLOPs (default), any metric or
/// metadata column, the transformed target (<c>@target</c>, the reference's <c>rank_by_y_metric</c>), or
/// <c>PC-k</c> of a capability space fitted on every model with the target.
/// </summary>
public sealed record CutoffSweepOptions
{
    public IReadOnlyList<double> HeldOutShares { get; init; } = [0.1, 0.2, 0.3, 0.4, 0.5];

    public string Column { get; init; } = ModelColumns.FlopsE21;
}
