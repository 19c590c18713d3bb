namespace ObsScaling.Core.Selection;

/// <summary>How the family subsets are searched.</summary>
public enum SubsetSearchMethod
{
    /// <summary>Exhaustive while the combination count is at most <see cref="SubsetSearchOptions.AutoThreshold"/>, greedy with exchanges above it.</summary>
    Auto,

    /// <summary>Every combination of whole families (the reference's search): the optimum, at a cost that grows combinatorially.</summary>
    Exhaustive,

    /// <summary>
    /// Greedy construction followed by Fedorov-style exchanges (swap one or two families for one or two),
    /// restarted from every single family: polynomial in the number of families, no optimality guarantee.
    /// </summary>
    GreedyExchange,
}
