# Dot-sourced by the examples: makes the ObsScaling cmdlets available. Nothing happens when the module is already
# found (installed with Install-PSResource, artifacts/ on $env:PSModulePath, or running under obs); otherwise the
# repository's build output is imported, or the error says how to build and load it.
if (-not (Get-Command New-ObsSyntheticZoo -ErrorAction SilentlyContinue)) {
    $root = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..'))
    $found = $null
    foreach ($candidate in @(
            [System.IO.Path]::Combine($root, 'artifacts', 'ObsScaling', 'ObsScaling.psd1'),
            [System.IO.Path]::Combine($root, 'module', 'ObsScaling.PowerShell', 'bin', 'Release', 'net10.0', 'ObsScaling.psd1'),
            [System.IO.Path]::Combine($root, 'module', 'ObsScaling.PowerShell', 'bin', 'Debug', 'net10.0', 'ObsScaling.psd1'))) {
        if (-not $found -and [System.IO.File]::Exists($candidate)) { $found = $candidate }
    }
    if (-not $found) {
        throw ("The ObsScaling module is neither loaded nor built. From the repository root run 'dotnet tool restore' and " +
            "'dotnet pwsh ./build.ps1' (it publishes artifacts/ObsScaling), then add the artifacts folder to PSModulePath " +
            "(`$env:PSModulePath = '$([System.IO.Path]::Combine($root, 'artifacts'))' + [System.IO.Path]::PathSeparator + `$env:PSModulePath) " +
            "or run Import-Module $([System.IO.Path]::Combine($root, 'artifacts', 'ObsScaling', 'ObsScaling.psd1')).")
    }
    Import-Module $found
}
