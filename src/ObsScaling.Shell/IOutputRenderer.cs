using System.Management.Automation;

namespace ObsScaling.Shell;

/// <summary>Receives a pipeline's output objects as they arrive; <see cref="Complete"/> ends one pipeline.</summary>
internal interface IOutputRenderer
{
    void Write(PSObject? item);

    void Complete();
}
