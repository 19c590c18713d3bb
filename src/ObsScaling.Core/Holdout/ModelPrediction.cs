namespace ObsScaling.Core.Holdout;

/// <summary>
/// A law's prediction for one model. <see cref="Observed"/> and <see cref="Predicted"/> are on the
/// transformed target scale; <see cref="EquivalentLog10Flops"/> is null when no reference mapping exists.
/// </summary>
public sealed record ModelPrediction(
    string Model,
    string? Family,
    bool InTrain,
    IReadOnlyList<double> Predictors,
    double Observed,
    double Predicted,
    double Capability,
    double? EquivalentLog10Flops)
{
    public double Error => Predicted - Observed;

    /// <summary>The forecast interval (transformed scale), when the analysis asked for intervals.</summary>
    public Uncertainty.PredictionInterval? Interval { get; init; }
}
