namespace ObsScaling.Core.Numerics;

/// <summary>Why an iterative solver stopped.</summary>
internal enum SolverStop
{
    /// <summary>Every free gradient component is negligible relative to the residual and Jacobian scale.</summary>
    Gradient,

    /// <summary>The step became negligible relative to the parameters.</summary>
    Step,

    /// <summary>Successive steps changed the loss only at rounding level without meeting the gradient or step test.</summary>
    Reduction,

    /// <summary>The iteration budget ran out first.</summary>
    IterationLimit,

    /// <summary>The damping grew without bound: no descent direction could be found (non-finite model values).</summary>
    NoProgress,
}
