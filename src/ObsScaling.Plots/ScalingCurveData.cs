namespace ObsScaling.Plots;

/// <summary>One model on a scaling curve.</summary>
/// <param name="X">Position on the x axis: log10 of reference-equivalent FLOPs (1E21), or the capability itself.</param>
/// <param name="Y">Observed target on the metric's own scale.</param>
public sealed record CurvePoint(string Model, string? Family, double X, double Y, bool InTrain);

/// <summary>A point of the fitted curve, with its forecast interval when the fit has one.</summary>
public sealed record CurveSample(double X, double Y, double? Lower = null, double? Upper = null);

/// <summary>Observed models and the fitted law along one axis.</summary>
/// <param name="LogFlopsAxis">X values are log10 FLOPs (1E21) and are labelled as FLOPs on a log scale.</param>
/// <param name="Note">A line drawn inside the plot (formula, MSE).</param>
public sealed record ScalingCurveData(
    IReadOnlyList<CurvePoint> Points,
    IReadOnlyList<CurveSample> Curve,
    string XLabel,
    string YLabel,
    bool LogFlopsAxis,
    string Title,
    string? Note = null,
    double? IntervalLevel = null);
