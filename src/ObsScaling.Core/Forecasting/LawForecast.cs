namespace ObsScaling.Core.Forecasting;

/// <summary>
/// What a stored law says of one model: on the fit's (transformed) scale and on the metric's own, with the
/// predictors it read, its interval when the fit has one, and the reference-equivalent compute of its capability.
/// </summary>
public sealed record LawForecast(
    double Predicted,
    double PredictedRaw,
    double Capability,
    IReadOnlyList<double> Predictors,
    double? Lower = null,
    double? Upper = null,
    double? LowerRaw = null,
    double? UpperRaw = null,
    double? EquivalentLog10FlopsE21 = null);
