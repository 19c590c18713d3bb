namespace ObsScaling.Core.Efficiency;

/// <summary>
/// Simple linear regression y = Intercept + Slope·x by ordinary least squares, with
/// Student-t confidence intervals at <see cref="Confidence"/>.
/// </summary>
public sealed record OlsFit(
    double Slope,
    double Intercept,
    double RSquared,
    int N,
    double SlopeStandardError,
    double InterceptStandardError,
    double SlopeLower,
    double SlopeUpper,
    double InterceptLower,
    double InterceptUpper,
    double ResidualStandardError,
    double Confidence)
{
    public double Predict(double x) => Intercept + (Slope * x);
}
