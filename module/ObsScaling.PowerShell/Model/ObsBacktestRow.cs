namespace ObsScaling.PowerShell.Model;

/// <summary>One predictor set's holdout error in a backtest (all rows share the split).</summary>
public sealed class ObsBacktestRow
{
    public string Dataset { get; set; } = "";

    public string Target { get; set; } = "";

    public string Predictors { get; set; } = "";

    public double TrainMse { get; set; }

    public double TestMse { get; set; }

    public int TrainCount { get; set; }

    public int TestCount { get; set; }

    public bool Best { get; set; }

    public string Formula { get; set; } = "";

    /// <summary>Why the predictor set could not be evaluated on the split; empty when it was.</summary>
    public string Unavailable { get; set; } = "";
}
