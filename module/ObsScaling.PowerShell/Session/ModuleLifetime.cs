using System.Management.Automation;

namespace ObsScaling.PowerShell.Session;

/// <summary>Remove-Module ObsScaling stops the embedded server.</summary>
public sealed class ModuleLifetime : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo psModuleInfo) => ObsSession.Shutdown();
}
