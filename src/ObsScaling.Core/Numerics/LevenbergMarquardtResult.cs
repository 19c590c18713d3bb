namespace ObsScaling.Core.Numerics;

/// <summary>Outcome of one <see cref="LevenbergMarquardt"/> run; the parameters are returned in the caller's span.</summary>
internal readonly record struct LevenbergMarquardtResult(double Loss, int Iterations, SolverStop Stop)
{
    public bool Converged => Stop is SolverStop.Gradient or SolverStop.Step or SolverStop.Reduction;

    public string Describe() => Stop switch
    {
        SolverStop.Gradient => "gradient below tolerance",
        SolverStop.Step => "relative step below tolerance",
        SolverStop.Reduction => "reduction at rounding level",
        SolverStop.IterationLimit => "iteration limit reached before convergence",
        SolverStop.NoProgress => "no descent step found (damping overflow)",
        _ => Stop.ToString(),
    };
}
