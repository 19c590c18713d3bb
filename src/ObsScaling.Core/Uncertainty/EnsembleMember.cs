using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Uncertainty;

/// <summary>One bootstrap replicate: the law refitted on a resample, and the residual drawn for it.</summary>
public sealed record EnsembleMember(double Intercept, IReadOnlyList<double> Weights, double Floor, double Noise)
{
    public double Predict(LawLink link, ReadOnlySpan<double> x)
    {
        var z = Intercept;
        for (var j = 0; j < Weights.Count; j++)
        {
            z += Weights[j] * x[j];
        }

        return link switch
        {
            LawLink.Linear => z,
            LawLink.Sigmoid => FittedLaw.Sigmoid(z),
            _ => ((1 - Floor) * FittedLaw.Sigmoid(z)) + Floor,
        };
    }
}
