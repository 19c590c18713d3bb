# The module's root: loads ObsScaling.PowerShell.dll and its dependencies (gRPC, Protobuf) in a load context of their
# own (ObsScaling.PowerShell.Loader.dll, loaded by the manifest's RequiredAssemblies), so that another module's
# versions of them in the default context do not clash with these. Then its cmdlets become this module's.
$assembly = [ObsScaling.PowerShell.Loader.ModuleLoadContext]::LoadModule($PSScriptRoot)
Import-Module -Assembly $assembly
# Flat models (one property per metric) for Export-Csv and Select-Object; here rather than in ObsScaling.types.ps1xml,
# which is read before the adapter's assembly is loaded.
Update-TypeData -TypeName ObsScaling.PowerShell.Model.ObsModel -TypeAdapter $assembly.GetType('ObsScaling.PowerShell.Model.ObsModelAdapter', $true) -Force
Export-ModuleMember -Cmdlet *
