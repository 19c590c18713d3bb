namespace ObsScaling.Core.Selection;

/// <param name="Combinations">
/// Family combinations in the search space, counted like the reference (every combination of every size,
/// including those skipped because they exceed the largest budget or have fewer models than components).
/// </param>
/// <param name="Choices">One entry per requested budget, in request order.</param>
public sealed record SubsetSearchResult(long Combinations, IReadOnlyList<SubsetChoice> Choices);
