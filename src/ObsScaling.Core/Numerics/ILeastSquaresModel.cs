namespace ObsScaling.Core.Numerics;

/// <summary>
/// Residuals r(p) and their analytic Jacobian for <see cref="LevenbergMarquardt"/>. Implemented by structs so that
/// the solver is specialised per model and the per-iteration calls are not virtual.
/// </summary>
internal interface ILeastSquaresModel
{
    int ResidualCount { get; }

    int ParameterCount { get; }

    /// <summary>Writes r(p). The model may cache intermediate values for the next <see cref="Jacobian"/> call.</summary>
    void Residuals(ReadOnlySpan<double> p, Span<double> residuals);

    /// <summary>
    /// Writes ∂r_i/∂p_j row-major (ResidualCount × ParameterCount) at <paramref name="p"/>, which is always the point
    /// of the most recent <see cref="Residuals"/> call.
    /// </summary>
    void Jacobian(ReadOnlySpan<double> p, Span<double> jacobian);
}
