# The module's root: loads ObsScaling.PowerShell.dll and its dependencies (gRPC, Protobuf) in a load context of their
# own (ObsScaling.PowerShell.Loader.dll, loaded by the manifest's RequiredAssemblies), so that another module's
# versions of them in the default context do not clash with these. Then its cmdlets become this module's.
$assembly = [ObsScaling.PowerShell.Loader.ModuleLoadContext]::LoadModule($PSScriptRoot)
Import-Module -Assembly $assembly
# Flat objects for Export-Csv and Select-Object (models: one property per metric; forecasts and ledger entries:
# Predictor1..k); here rather than in ObsScaling.types.ps1xml, which is read before the adapters' assembly is loaded.
foreach ($flat in 'ObsModel', 'ObsForecast', 'ObsPreregistration') {
    Update-TypeData -TypeName "ObsScaling.PowerShell.Model.$flat" -TypeAdapter $assembly.GetType("ObsScaling.PowerShell.Model.${flat}Adapter", $true) -Force
}
Export-ModuleMember -Cmdlet *
