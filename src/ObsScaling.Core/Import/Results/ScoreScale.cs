namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Which of the Open LLM Leaderboard v2 score columns to import. The export carries both, so the choice is the
/// user's: nothing is guessed.
/// </summary>
public enum ScoreScale
{
    /// <summary>Not chosen: a v2 import refuses to run.</summary>
    Unspecified,

    /// <summary>The <c>… Raw</c> columns: accuracies in [0, 1], named like the paper's <c>leaderboard_*</c> metrics.</summary>
    Raw,

    /// <summary>The leaderboard's chance-normalised columns on [0, 100] (0 = random guessing).</summary>
    Normalized,
}
