namespace ObsScaling.Core.Imputation;

/// <summary>Settings of the iterative low-rank imputation (docs/method.md §3). Defaults are the reference's.</summary>
public sealed record PcaImputationOptions
{
    /// <summary>Rank k of the reconstruction (reference default 1).</summary>
    public int Components { get; init; } = 1;

    /// <summary>Upper bound on iterations (reference 1000).</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>
    /// Stop when the largest move of any missing cell (standardised scale) in one iteration is below this.
    /// Unlike the reference's test (which compares every cell, observed included, and so never fires),
    /// this one does fire; it is set tight enough that the fixed point matches the reference's
    /// 1000-iteration result to 1e-6.
    /// </summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>Clip imputed output to this range (reference [0, 1]); null disables clipping.</summary>
    public double? Lower { get; init; } = 0.0;

    public double? Upper { get; init; } = 1.0;
}
