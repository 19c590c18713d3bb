namespace ObsScaling.Core.Uncertainty;

/// <summary>A forecast interval on the fit's (transformed) target scale.</summary>
public sealed record PredictionInterval(double Lower, double Upper)
{
    public bool Contains(double value) => value >= Lower && value <= Upper;
}
