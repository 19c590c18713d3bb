namespace ObsScaling.PowerShell.Model;

/// <summary>One fold of a leave-one-family-out backtest: the family forecast by a law fitted on the others.</summary>
public sealed class ObsFamilyError
{
    public string Predictors { get; set; } = "";

    public string Family { get; set; } = "";

    public int? TrainCount { get; set; }

    public int? TestCount { get; set; }

    /// <summary>Null when the row is unavailable (see Unavailable): no error was measured, which is not an error of 0.</summary>
    public double? TrainMse { get; set; }

    public double? TestMse { get; set; }

    public double? Coverage { get; set; }

    public string Unavailable { get; set; } = "";
}
