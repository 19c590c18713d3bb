namespace ObsScaling.Core.Laws;

public enum TargetTransformKind
{
    None,

    /// <summary>(y − lo)/(hi − lo), lo usually the chance level.</summary>
    MinMax,

    /// <summary>ln((y + 1e-9)/(1 − y + 1e-9)).</summary>
    Logit,

    /// <summary>ln(y + 1e-9) (natural log, as the reference).</summary>
    Log,
}

/// <summary>A transform applied to the target before fitting; MSE is reported on the transformed scale.</summary>
public sealed record TargetTransform(TargetTransformKind Kind, double Low = 0.0, double High = 1.0)
{
    public const double Epsilon = 1e-9;

    public static TargetTransform None { get; } = new(TargetTransformKind.None);

    public static TargetTransform MinMax(double low, double high) => new(TargetTransformKind.MinMax, low, high);

    public static TargetTransform Logit { get; } = new(TargetTransformKind.Logit);

    public static TargetTransform Log { get; } = new(TargetTransformKind.Log);

    /// <summary>Transformed value; NaN stays NaN (the pipeline drops such rows).</summary>
    public double Apply(double y) => Kind switch
    {
        TargetTransformKind.None => y,
        TargetTransformKind.MinMax => (y - Low) / (High - Low),
        TargetTransformKind.Logit => Math.Log((y + Epsilon) / (1 - y + Epsilon)),
        TargetTransformKind.Log => Math.Log(y + Epsilon),
        _ => throw new InvalidOperationException(Kind.ToString()),
    };

    /// <summary>Back to the raw scale.</summary>
    public double Invert(double t) => Kind switch
    {
        TargetTransformKind.None => t,
        TargetTransformKind.MinMax => Low + (t * (High - Low)),
        TargetTransformKind.Logit => InvertLogit(t),
        TargetTransformKind.Log => Math.Exp(t) - Epsilon,
        _ => throw new InvalidOperationException(Kind.ToString()),
    };

    /// <summary>
    /// Solves t = ln((y + ε)/(1 − y + ε)) for y. Written with e^(−|t|) so that a large predicted logit gives 1 + ε
    /// rather than ∞/∞ = NaN.
    /// </summary>
    private static double InvertLogit(double t)
    {
        var e = Math.Exp(-Math.Abs(t));
        return t >= 0
            ? ((1 + Epsilon) - (Epsilon * e)) / (1 + e)
            : ((e * (1 + Epsilon)) - Epsilon) / (1 + e);
    }

    public override string ToString() => Kind switch
    {
        TargetTransformKind.MinMax => $"minmax[{Low:G4}, {High:G4}]",
        _ => Kind.ToString().ToUpperInvariant(),
    };
}
