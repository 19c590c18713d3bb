namespace ObsScaling.Core.Import.Results;

/// <summary>
/// What to do when two rows give the same model a score for the same metric (e.g. a leaderboard's float16 and
/// bfloat16 runs, or two results files of one model). Identical values are never a conflict.
/// </summary>
public enum DuplicatePolicy
{
    /// <summary>Reject the import, naming every conflicting row (file and line).</summary>
    Error,

    /// <summary>Keep the value read first (file order, then line order).</summary>
    First,

    /// <summary>Keep the value read last.</summary>
    Last,

    /// <summary>Keep the row whose mean over the conflicting metrics is highest.</summary>
    Best,
}
