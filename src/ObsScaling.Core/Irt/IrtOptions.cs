namespace ObsScaling.Core.Irt;

/// <summary>
/// Settings of the item-response capability fit (<see cref="ItemResponseModel"/>, docs/method.md §13). Every default
/// lives here.
/// </summary>
public sealed record IrtOptions
{
    /// <summary>
    /// The benchmark whose difficulty is fixed at 0 and slope at 1, which pins the scale's origin and unit (a unit of
    /// capability is one logit of the anchor's curve, and a higher capability means a higher anchor score). Null: the
    /// benchmark with the most scores, the first listed among equals.
    /// </summary>
    public string? AnchorBenchmark { get; init; }

    /// <summary>
    /// Use each benchmark's chance level (<see cref="Domain.MetricInfo.Chance"/>, 0 when unknown) as the floor f_b of
    /// score = f_b + (1 − f_b)·σ(α_b·(C_m − D_b)). Off by default, as in the Epoch Capabilities Index's model.
    /// </summary>
    public bool ChanceFloors { get; init; }

    /// <summary>
    /// λ of the ridge term ½·λ·(Σ C_m² + Σ D_b²) added to ½·Σ residual². It keeps the capability of a model that tops
    /// (or fails) every benchmark it took finite, near ln(1/λ)/(2α) logits past the benchmarks' transitions, and is
    /// small enough to move ordinary estimates far less than their standard errors.
    /// </summary>
    public double Ridge { get; init; } = 1e-6;

    public int MaxIterations { get; init; } = 500;

    /// <summary>The fit has converged when a Newton step moves no parameter by more than this relative to 1 + |value|.</summary>
    public double Tolerance { get; init; } = 1e-10;
}
