@{
    # The script root loads ObsScaling.PowerShell.dll and its dependencies in a load context of their own.
    RootModule           = 'ObsScaling.psm1'
    RequiredAssemblies   = @('ObsScaling.PowerShell.Loader.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1d3c52-8a3e-4d8e-9b67-2c1f0e4b7a19'
    Author               = 'ObsScaling'
    CompanyName          = 'ObsScaling'
    Copyright            = '(c) ObsScaling. All rights reserved.'
    Description          = 'Observational scaling laws from PowerShell: import evaluated models, decompose their capabilities, fit and backtest laws, forecast new models. Wraps the obsscaling.v1 gRPC service and starts a local one when not connected.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('ObsScaling.format.ps1xml')
    TypesToProcess       = @('ObsScaling.types.ps1xml')
    CmdletsToExport      = @(
        'Connect-ObsServer'
        'Disconnect-ObsServer'
        'Get-ObsConnection'
        'Import-ObsModel'
        'Get-ObsModel'
        'Export-ObsModel'
        'Get-ObsDataset'
        'Remove-ObsDataset'
        'Invoke-ObsDecomposition'
        'New-ObsFitSpec'
        'Invoke-ObsFit'
        'Get-ObsFit'
        'Watch-ObsFit'
        'Get-ObsForecast'
        'Invoke-ObsBacktest'
        'Select-ObsSubset'
        'New-ObsSyntheticZoo'
        'Export-ObsPlot'
        'Import-ObsResult'
        'New-ObsPreregistration'
        'Get-ObsPreregistration'
        'Complete-ObsPreregistration'
        'Invoke-ObsPaperBacktest'
        'Compare-ObsTechnique'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('ScalingLaws', 'LLM', 'gRPC')
        }
    }
}
