namespace ObsScaling.PowerShell.Model;

/// <summary>What a law is a function of.</summary>
public enum ObsPredictorKind
{
    /// <summary>PC-1..k of the capability space (k = -Components, default 3).</summary>
    PrincipalComponents,

    /// <summary>ln FLOPs: the compute-only baseline.</summary>
    LogFlops,

    /// <summary>ln parameters: the model-size baseline.</summary>
    LogParameters,

    /// <summary>Raw benchmark scores named by -PredictorMetric.</summary>
    Metrics,

    /// <summary>The item-response capability C of the -CapabilityMetric benchmarks (no imputation; -IrtAnchorBenchmark, -IrtChanceFloors, -IrtRidge).</summary>
    IrtCapability,
}
