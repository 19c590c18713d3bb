namespace ObsScaling.Core.Laws;

/// <summary>
/// A fitted law y = link(c + w·x). <see cref="Floor"/> is b for <see cref="LawLink.SigmoidWithFloor"/>, 0 otherwise.
/// Parameters are ordered [c, w_1..w_d(, b)] in <see cref="Covariance"/>.
/// </summary>
public sealed record FittedLaw
{
    public required LawLink Link { get; init; }

    public required LossKind Loss { get; init; }

    public required double Intercept { get; init; }

    public required IReadOnlyList<double> Weights { get; init; }

    public double Floor { get; init; }

    public required bool Converged { get; init; }

    public required int Iterations { get; init; }

    /// <summary>Why the solver stopped (e.g. "relative reduction below tolerance", "iteration limit").</summary>
    public required string Message { get; init; }

    /// <summary>ŷ − y on the training rows (fit scale).</summary>
    public required IReadOnlyList<double> Residuals { get; init; }

    /// <summary>Mean squared residual on the training rows.</summary>
    public required double TrainMse { get; init; }

    /// <summary>
    /// Asymptotic covariance of the parameters, s²·(JᵀJ)⁻¹ with s² = SSE/(n − p) at the solution
    /// (pseudo-inverse when JᵀJ is singular; a parameter at its bound is treated as fixed, with zero variance).
    /// </summary>
    public required double[,] Covariance { get; init; }

    public int Dimension => Weights.Count;

    /// <summary>Aggregated capability c + w·x.</summary>
    public double Capability(ReadOnlySpan<double> x)
    {
        var z = Intercept;
        for (var j = 0; j < Weights.Count; j++)
        {
            z += Weights[j] * x[j];
        }

        return z;
    }

    public double Predict(ReadOnlySpan<double> x) => ApplyLink(Capability(x));

    /// <summary>The link applied to an aggregated capability.</summary>
    public double ApplyLink(double z) => Link switch
    {
        LawLink.Linear => z,
        LawLink.Sigmoid => Sigmoid(z),
        LawLink.SigmoidWithFloor => ((1 - Floor) * Sigmoid(z)) + Floor,
        _ => throw new InvalidOperationException(Link.ToString()),
    };

    internal static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
