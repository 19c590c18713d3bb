namespace ObsScaling.Core.Laws;

/// <summary>The link from aggregated capability z = c + w·x to the prediction.</summary>
public enum LawLink
{
    /// <summary>y = z.</summary>
    Linear,

    /// <summary>y = σ(z).</summary>
    Sigmoid,

    /// <summary>y = (1 − b)·σ(z) + b with b in [0, FloorMax] (the reference's "sigmoid-parametric").</summary>
    SigmoidWithFloor,
}
