namespace ObsScaling.Core.Selection;

/// <summary>
/// The best family subset for one budget. When no candidate fits the budget with a non-singular design
/// (too few models for the components, or every fitting subset singular) the choice is infeasible:
/// <see cref="Objective"/> is −∞ and both lists are empty.
/// </summary>
/// <param name="Budget">The model-count budget as requested.</param>
/// <param name="Objective">−trace(G_all · G_S⁻¹); larger is better.</param>
/// <param name="Families">The chosen families, in order of first appearance in the pool.</param>
/// <param name="Models">The chosen families' models, in pool row order.</param>
public sealed record SubsetChoice(int Budget, double Objective, IReadOnlyList<string> Families, IReadOnlyList<string> Models)
{
    public bool IsFeasible => !double.IsNegativeInfinity(Objective);
}
