namespace ObsScaling.PowerShell.Model;

/// <summary>The law's link: y = link(c + w·x).</summary>
public enum ObsLink
{
    /// <summary>y = (1 − b)·σ(c + w·x) + b with b ∈ [0, -FloorMax] (the default).</summary>
    SigmoidWithFloor,

    Sigmoid,

    Linear,
}
