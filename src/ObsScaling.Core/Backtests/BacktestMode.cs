namespace ObsScaling.Core.Backtests;

/// <summary>How a backtest divides models into what a law is fitted on and what it must forecast.</summary>
public enum BacktestMode
{
    /// <summary>The spec's own split, once.</summary>
    Holdout,

    /// <summary>Each family in turn is the test set; the law is fitted on every other family.</summary>
    LeaveOneFamilyOut,

    /// <summary>The top share of models by a column is held out, for a grid of shares (the reference's AUE sweep).</summary>
    CutoffSweep,
}
