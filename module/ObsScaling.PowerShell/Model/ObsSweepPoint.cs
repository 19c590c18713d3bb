namespace ObsScaling.PowerShell.Model;

/// <summary>One point of a cutoff sweep: the top <see cref="HeldOutShare"/> of the models forecast.</summary>
public sealed class ObsSweepPoint
{
    public string Predictors { get; set; } = "";

    public double HeldOutShare { get; set; }

    public int? TrainCount { get; set; }

    public int? TestCount { get; set; }

    /// <summary>Null when the row is unavailable (see Unavailable): no error was measured, which is not an error of 0.</summary>
    public double? TrainMse { get; set; }

    public double? TestMse { get; set; }

    public double? Coverage { get; set; }

    public string Unavailable { get; set; } = "";
}
