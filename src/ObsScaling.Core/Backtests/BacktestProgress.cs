namespace ObsScaling.Core.Backtests;

/// <summary>How far a backtest is: <see cref="Fraction"/> of all its fits done.</summary>
public sealed record BacktestProgress(string Stage, double Fraction, string Message);
