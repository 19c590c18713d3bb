using System.Management.Automation;

namespace ObsScaling.PowerShell.Session;

/// <summary>Import-Module ObsScaling: warm the first call up in the background (see <see cref="ObsSession.WarmUp"/>).</summary>
public sealed class ModuleWarmUp : IModuleAssemblyInitializer
{
    public void OnImport() => ObsSession.WarmUp();
}
