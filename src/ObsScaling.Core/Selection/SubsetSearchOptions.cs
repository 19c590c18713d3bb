namespace ObsScaling.Core.Selection;

/// <summary>
/// What to search for (docs/method.md §8). Whole families are the unit of selection; a budget caps the number
/// of models, not families.
/// </summary>
public sealed record SubsetSearchOptions
{
    /// <summary>The budgets searched when a request names none: 4, 8, …, 36 models.</summary>
    public static IReadOnlyList<int> DefaultBudgets { get; } = [4, 8, 12, 16, 20, 24, 28, 32, 36];

    /// <summary>Model-count budgets; one <see cref="SubsetChoice"/> is returned per entry, in this order.</summary>
    public required IReadOnlyList<int> Budgets { get; init; }

    /// <summary>Largest number of families in a subset, counting <see cref="IncludeFamily"/>.</summary>
    public int MaxFamilies { get; init; } = 10;

    /// <summary>
    /// A family that is in every subset. As in the reference, it is never evaluated alone: the candidates are
    /// this family plus 1..<see cref="MaxFamilies"/> − 1 others.
    /// </summary>
    public string? IncludeFamily { get; init; }

    /// <summary>How many leading PC columns the V-optimality objective uses.</summary>
    public int Components { get; init; } = Holdout.HoldoutOptions.DefaultPredictorComponents;

    public SubsetSearchMethod Method { get; init; } = SubsetSearchMethod.Auto;

    /// <summary>
    /// Under <see cref="SubsetSearchMethod.Auto"/>, the largest search space still searched exhaustively. Two million
    /// combinations take well under a second; the 47-family pool with 10 families per subset has ~1.3e9.
    /// </summary>
    public double AutoThreshold { get; init; } = 2_000_000;
}
