namespace ObsScaling.PowerShell.Model;

/// <summary>
/// One predictor set's errors in a backtest (all rows share the folds). Holdout: the split's MSEs. Leave one family
/// out: TestMse pools every fold, TrainMse is the folds' mean, <see cref="Families"/> holds the folds. Sweep:
/// <see cref="AreaUnderError"/> (what Best ranks by) and the <see cref="Sweep"/> points; the MSEs are their means.
/// </summary>
public sealed class ObsBacktestRow
{
    public string Dataset { get; set; } = "";

    public string Target { get; set; } = "";

    /// <summary>The paper analysis the row belongs to (Invoke-ObsPaperBacktest); empty otherwise.</summary>
    public string Analysis { get; set; } = "";

    /// <summary>Holdout, LeaveOneFamilyOut or CutoffSweep.</summary>
    public string Mode { get; set; } = "";

    public string Predictors { get; set; } = "";

    /// <summary>Null when the row is unavailable (see Unavailable): no error was measured, which is not an error of 0.</summary>
    public double? TrainMse { get; set; }

    public double? TestMse { get; set; }

    public int? TrainCount { get; set; }

    public int? TestCount { get; set; }

    public bool Best { get; set; }

    /// <summary>Share of held-out models inside their interval (null unless intervals were asked for).</summary>
    public double? Coverage { get; set; }

    public int CoverageInside { get; set; }

    public int CoverageCount { get; set; }

    /// <summary>The intervals' nominal level.</summary>
    public double? CoverageLevel { get; set; }

    /// <summary>Cutoff sweep: trapezoid area under test MSE against the share held out (the paper's AUE).</summary>
    public double? AreaUnderError { get; set; }

    public ObsFamilyError[] Families { get; set; } = [];

    public ObsSweepPoint[] Sweep { get; set; } = [];

    public string Formula { get; set; } = "";

    /// <summary>Why the predictor set could not be evaluated on the split; empty when it was.</summary>
    public string Unavailable { get; set; } = "";
}
