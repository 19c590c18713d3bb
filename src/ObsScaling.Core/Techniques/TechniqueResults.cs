using ObsScaling.Core.Equivalence;
using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Techniques;

/// <summary>One technique's law on the shared capability axis and its reference-equivalent compute mapping.</summary>
/// <param name="TrainModels">Models the law was fitted on (those of the training part with this metric).</param>
public sealed record TechniqueLaw(string Technique, FittedLaw Law, EquivalentCompute Equivalent, int TrainModels)
{
    /// <summary>Predicted score at reference-equivalent log10 FLOPs (1e21) <paramref name="log10Flops"/>.</summary>
    public double PredictAt(double log10Flops) => Law.ApplyLink(Equivalent.ToCapability(log10Flops));
}

/// <summary>A technique's predicted score and gain over the baseline at one reference-equivalent compute.</summary>
/// <param name="Log10FlopsE21">Reference-family-equivalent log10 training FLOPs (units of 1e21).</param>
/// <param name="Gain">Predicted − the baseline's predicted (0 for the baseline itself).</param>
/// <param name="GainLower">Paired-bootstrap interval of the gain (NaN without intervals).</param>
public sealed record TechniqueCurvePoint(
    double Log10FlopsE21,
    string Technique,
    double Predicted,
    double Gain,
    double PredictedLower,
    double PredictedUpper,
    double GainLower,
    double GainUpper);

/// <summary>
/// Where two techniques' curves cross: <see cref="Later"/> is ahead above <see cref="Log10FlopsE21"/>.
/// </summary>
/// <param name="Value">The common predicted score at the crossing.</param>
/// <param name="Lower">Percentile interval of the crossing over the bootstrap replicates that cross in the grid.</param>
/// <param name="CrossingShare">Share of replicates whose curves cross inside the grid.</param>
public sealed record TechniqueCrossing(
    string Earlier,
    string Later,
    double Log10FlopsE21,
    double Value,
    double Lower,
    double Upper,
    double CrossingShare);

/// <summary>How far a comparison has got.</summary>
public readonly record struct TechniqueProgress(string Stage, double Fraction);

public sealed record TechniqueComparisonResult(
    string Baseline,
    IReadOnlyList<TechniqueLaw> Laws,
    IReadOnlyList<TechniqueCurvePoint> Curve,
    IReadOnlyList<TechniqueCrossing> Crossings,
    int Resamples,
    double Level);
