namespace ObsScaling.PowerShell.Model;

/// <summary>How models are split into train and test (default: Cutoff at FLOPs (1E21) ≤ 84, Llama-2-7B).</summary>
public enum ObsSplitKind
{
    /// <summary>-SplitColumn ≤ -SplitThreshold is train; missing values go to test.</summary>
    Cutoff,

    /// <summary>-SplitColumn ≤ min + -SplitFraction·(max − min) is train.</summary>
    CutoffRatio,

    /// <summary>The top -SplitCount models by -SplitColumn are test.</summary>
    Top,

    /// <summary>The top ⌊-SplitFraction·n⌋ models by -SplitColumn are test.</summary>
    TopFraction,

    /// <summary>A -Seed-ed random ⌊-SplitFraction·n⌋ (or -SplitCount) models are test.</summary>
    Random,

    /// <summary>The models named by -TestModel are test.</summary>
    Explicit,
}
