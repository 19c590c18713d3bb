namespace ObsScaling.PowerShell.Model;

/// <summary>Forecast intervals: how they are computed, or None.</summary>
public enum ObsIntervalMethod
{
    /// <summary>No intervals.</summary>
    None,

    /// <summary>Delta method from the parameter covariance, plus the residual variance.</summary>
    Parametric,

    /// <summary>Refits on models resampled with replacement, plus a resampled residual.</summary>
    ModelBootstrap,

    /// <summary>Refits on whole families resampled with replacement, plus a resampled residual.</summary>
    FamilyBootstrap,
}
