namespace ObsScaling.Core.Laws;

/// <summary>How to fit a law. Defaults are the reference's README default (sigmoid with floor, squared loss).</summary>
public sealed record ScalingLawOptions
{
    public LawLink Link { get; init; } = LawLink.SigmoidWithFloor;

    public LossKind Loss { get; init; } = LossKind.Squared;

    /// <summary>Huber threshold δ (the reference's robust notebooks use 1.0).</summary>
    public double HuberDelta { get; init; } = 1.0;

    /// <summary>Upper bound of the floor b (reference 0.2).</summary>
    public double FloorMax { get; init; } = 0.2;

    /// <summary>
    /// Starting points for the solver beyond the reference's p0 = [0, 0.03…, 0]: a logit-linear least-squares fit on
    /// clipped y (for the floor link also one with min y as floor), then that fit with its slopes scaled by ½, 2, ¼, 4…
    /// </summary>
    public int ExtraStarts { get; init; } = 4;

    public int MaxIterations { get; init; } = 500;

    /// <summary>
    /// Convergence tolerance: the fit stops when the cosine between the (Huber-weighted) residual vector and every
    /// free Jacobian column is below it (MINPACK's gtol), or the step is below it relative to the parameters.
    /// Loss reductions are not used as a stopping test: near the optimum they are rounding noise long before the
    /// parameters have settled.
    /// </summary>
    public double Tolerance { get; init; } = 1e-12;
}
