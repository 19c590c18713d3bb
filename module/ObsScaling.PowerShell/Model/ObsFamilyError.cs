namespace ObsScaling.PowerShell.Model;

/// <summary>One fold of a leave-one-family-out backtest: the family forecast by a law fitted on the others.</summary>
public sealed class ObsFamilyError
{
    public string Predictors { get; set; } = "";

    public string Family { get; set; } = "";

    public int TrainCount { get; set; }

    public int TestCount { get; set; }

    public double TrainMse { get; set; }

    public double TestMse { get; set; }

    public double? Coverage { get; set; }

    public string Unavailable { get; set; } = "";
}
