namespace ObsScaling.Core.Backtests;

/// <summary>
/// One point of a cutoff sweep: the top <see cref="HeldOutShare"/> of models held out. <see cref="Unavailable"/>
/// says why the point could not be scored (then the errors are NaN and the counts 0).
/// </summary>
public sealed record SweepPoint(double HeldOutShare, int TrainCount, int TestCount, double TrainMse, double TestMse, IntervalCoverage? Coverage, string? Unavailable);
