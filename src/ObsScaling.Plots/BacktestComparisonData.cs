namespace ObsScaling.Plots;

/// <summary>One predictor set's errors on the backtest split.</summary>
/// <param name="Unavailable">Why the set could not be evaluated on the split (drawn as "n/a"); null when it was.</param>
public sealed record BacktestBar(string Label, double TrainMse, double TestMse, string? Unavailable = null);

/// <summary>Test error of one predictor set as the share of held-out models changes.</summary>
public sealed record BacktestSweep(string Label, IReadOnlyList<(double HeldOutShare, double TestMse)> Points);

/// <summary>
/// Bars of train and test MSE per predictor set; when sweeps are given, the figure is instead their test MSE
/// against the held-out share, one line per predictor set.
/// </summary>
public sealed record BacktestComparisonData(string Title, IReadOnlyList<BacktestBar> Bars, IReadOnlyList<BacktestSweep>? Sweeps = null);
