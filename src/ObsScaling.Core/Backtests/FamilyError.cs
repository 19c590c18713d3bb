namespace ObsScaling.Core.Backtests;

/// <summary>
/// One fold of a leave-one-family-out backtest: the law fitted without <see cref="Family"/> and scored on it.
/// <see cref="Unavailable"/> says why the fold could not be scored (then the errors are NaN and the counts 0).
/// </summary>
public sealed record FamilyError(string Family, int TrainCount, int TestCount, double TrainMse, double TestMse, double SquaredErrorSum, IntervalCoverage? Coverage, string? Unavailable);
