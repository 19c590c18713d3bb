namespace ObsScaling.Shell;

internal enum PipelineStatus
{
    Completed,
    Failed,
    Stopped,
    Exited,
}

/// <summary>How one pipeline ended; <see cref="ExitCode"/> is only meaningful for <see cref="PipelineStatus.Exited"/>.</summary>
internal readonly record struct PipelineOutcome(PipelineStatus Status, int ExitCode = 0)
{
    /// <summary>The process exit code this outcome maps to (documented in the shell's README section).</summary>
    public int ProcessExitCode => Status switch
    {
        PipelineStatus.Completed => 0,
        PipelineStatus.Failed => 1,
        PipelineStatus.Stopped => 130,
        _ => ExitCode,
    };
}
