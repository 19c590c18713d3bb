namespace ObsScaling.Core.Uncertainty;

/// <summary>How a forecast interval is computed.</summary>
public enum IntervalMethod
{
    /// <summary>Delta method from the fit's parameter covariance plus the residual variance (t quantile).</summary>
    Parametric,

    /// <summary>Refit on models resampled with replacement; add a resampled residual.</summary>
    ModelBootstrap,

    /// <summary>
    /// Refit on whole families resampled with replacement (models of one family share an efficiency and are not
    /// independent); add a resampled residual.
    /// </summary>
    FamilyBootstrap,
}
