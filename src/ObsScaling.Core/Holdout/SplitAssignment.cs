namespace ObsScaling.Core.Holdout;

/// <summary>Row indices of the training and test parts of a split, each in the input order.</summary>
public sealed record SplitAssignment(IReadOnlyList<int> Train, IReadOnlyList<int> Test);
