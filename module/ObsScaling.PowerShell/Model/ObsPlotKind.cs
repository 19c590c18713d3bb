namespace ObsScaling.PowerShell.Model;

/// <summary>The figures Export-ObsPlot draws.</summary>
public enum ObsPlotKind
{
    /// <summary>A fit: models by family (train filled, test open) against reference-equivalent FLOPs, the law and its interval band.</summary>
    ScalingCurve,

    /// <summary>A dataset's decomposition: share of variance per principal component.</summary>
    ExplainedVariance,

    /// <summary>A dataset's decomposition: loadings of each benchmark on each component.</summary>
    Loadings,

    /// <summary>A dataset's decomposition: each family's PC score (or, with -CapabilityModel Irt, its capability C) against training FLOPs with its fitted line.</summary>
    FamilyEfficiency,

    /// <summary>Train and test MSE per predictor set: piped backtest rows, or a fit's spec backtested.</summary>
    BacktestComparison,

    /// <summary>A dataset's item-response model: each benchmark's expected score against the capability C, with the scores it was fitted on.</summary>
    BenchmarkItems,
}

/// <summary>The image format Export-ObsPlot writes.</summary>
public enum ObsPlotFormat
{
    Png,
    Svg,
}
