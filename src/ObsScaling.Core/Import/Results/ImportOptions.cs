namespace ObsScaling.Core.Import.Results;

/// <summary>Everything <see cref="ResultImporter"/> needs besides the files: the format and the user's explicit choices.</summary>
public sealed record ImportOptions
{
    public ResultFormat Format { get; init; }

    /// <summary>lm-evaluation-harness: one entry per benchmark to import (required for that format).</summary>
    public IReadOnlyList<MetricSelection> Metrics { get; init; } = [];

    /// <summary>
    /// lm-evaluation-harness: a selected task absent from every file of a model means "not evaluated" (a gap the
    /// imputation fills) instead of an error. A task that is present but lacks the selected key is always an error.
    /// </summary>
    public bool AllowMissingTasks { get; init; }

    /// <summary>Open LLM Leaderboard v2: raw or normalised columns (required for that format).</summary>
    public ScoreScale Scale { get; init; }

    /// <summary>Rules tried in order to name a model's family when no family column gives it.</summary>
    public FamilyRules FamilyRules { get; init; } = FamilyRules.Default;

    /// <summary>
    /// Every Eval Ever: store each bounded score as (score − min)/(max − min), its standard error divided by the
    /// same range, so one benchmark reported on 0–100 by one source and 0–1 by another lands on one 0–1 scale.
    /// </summary>
    public bool NormalizeScores { get; init; }

    public DuplicatePolicy Duplicates { get; init; } = DuplicatePolicy.Error;
}
