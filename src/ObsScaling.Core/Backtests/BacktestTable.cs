namespace ObsScaling.Core.Backtests;

/// <summary>Predictor sets compared on the same folds, one row each, in the order asked for.</summary>
public sealed record BacktestTable(BacktestMode Mode, IReadOnlyList<BacktestRow> Rows);
