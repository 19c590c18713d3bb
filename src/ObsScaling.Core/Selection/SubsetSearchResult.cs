namespace ObsScaling.Core.Selection;

/// <param name="Combinations">
/// Family combinations in the search space, counted like the reference (every combination of every size,
/// including those skipped because they exceed the largest budget or have fewer models than components).
/// </param>
/// <param name="Choices">One entry per requested budget, in request order.</param>
public sealed record SubsetSearchResult(long Combinations, IReadOnlyList<SubsetChoice> Choices)
{
    /// <summary>The method that ran (never <see cref="SubsetSearchMethod.Auto"/>).</summary>
    public SubsetSearchMethod Method { get; init; } = SubsetSearchMethod.Exhaustive;

    /// <summary>
    /// Subsets whose objective was evaluated: the enumerated combinations for the exhaustive search (pruned
    /// subtrees included, as in <see cref="Combinations"/>), the candidate moves for greedy with exchanges.
    /// </summary>
    public long Evaluations { get; init; }
}
