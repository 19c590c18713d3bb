namespace ObsScaling.PowerShell.Model;

/// <summary>How the target is transformed before the law is fitted (the module's own names: the contract's zero value is "not set", not a choice).</summary>
public enum ObsTransformKind
{
    None,

    /// <summary>(y − low)/(high − low), with -TransformLow and -TransformHigh.</summary>
    MinMax,

    /// <summary>ln((y + 1e-9)/(1 − y + 1e-9)).</summary>
    Logit,

    /// <summary>ln(y + 1e-9).</summary>
    Log,
}
