# Runs every Commands/*.Tests.ps1 once under Pester and writes one JSON record per test (its file, block path,
# result and failure text) for the xunit harness, which reports each of them as its own case.
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $TestDirectory,
    [Parameter(Mandatory)] [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterManifest -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = @($TestDirectory)
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.RenderMode = 'Plaintext'
$configuration.Should.ErrorAction = 'Stop'
$run = Invoke-Pester -Configuration $configuration

function Get-FailureText($errors) {
    @($errors | ForEach-Object {
            $text = $_.Exception.Message
            if ($_.ScriptStackTrace) { $text += "`n" + $_.ScriptStackTrace }
            $text
        }) -join "`n"
}

$tests = foreach ($test in $run.Tests) {
    [pscustomobject]@{
        File    = $test.ScriptBlock.File
        Path    = @($test.Path)
        Result  = "$($test.Result)"
        Message = Get-FailureText $test.ErrorRecord
    }
}
# A file that fails to load or whose BeforeAll throws: its tests may never reach the list above.
$containers = foreach ($container in $run.Containers) {
    [pscustomobject]@{
        File    = "$($container.Item)"
        Result  = "$($container.Result)"
        Message = Get-FailureText (@($container.ErrorRecord) + @($container.Blocks | ForEach-Object { $_.ErrorRecord }))
    }
}

[pscustomobject]@{ Tests = @($tests); Containers = @($containers) } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $ResultPath -Encoding utf8
"$($run.PassedCount) passed, $($run.FailedCount) failed, $($run.SkippedCount) skipped, $($run.NotRunCount) not run in $([math]::Round($run.Duration.TotalSeconds, 1)) s"
