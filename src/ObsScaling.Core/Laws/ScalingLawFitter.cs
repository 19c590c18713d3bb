namespace ObsScaling.Core.Laws;

/// <summary>Fits y = link(c + w·x) by bounded Levenberg–Marquardt with an analytic Jacobian and several starts.</summary>
public static class ScalingLawFitter
{
    /// <summary>
    /// Fits on <paramref name="x"/> (n × d predictors) and <paramref name="y"/> (n). NaN/∞ anywhere, n &lt; d + 2
    /// (ObsPreconditionException), or a constant target for a sigmoid link are errors naming the field.
    /// A solver that does not converge returns <see cref="FittedLaw.Converged"/> = false with the reason.
    /// </summary>
    public static FittedLaw Fit(double[,] x, double[] y, ScalingLawOptions? options = null, CancellationToken cancellationToken = default)
    {
        throw new NotImplementedException();
    }
}
