# Dot-sourced by every Commands/*.Tests.ps1 in its BeforeAll. The module is never imported here: the harness puts
# the built module on PSModulePath, and the tests use it by auto-loading, as a user does after installing it.
$ErrorActionPreference = 'Stop'
$PaperData = $env:OBS_PAPER_DATA
$Work = $env:OBS_TEST_WORK
$RepositoryRoot = $env:OBS_REPOSITORY_ROOT

# Names unique within the run: all files share one embedded server and database.
function New-TestName([string] $Prefix) { "$Prefix-" + [guid]::NewGuid().ToString('N').Substring(0, 8) }

# A seeded synthetic zoo stored as a new dataset: its name, its models and its benchmark names.
function New-TestDataset([string] $Prefix, [int] $Seed = 3, [int] $Families = 6, [int] $ModelsPerFamily = 4) {
    $name = New-TestName $Prefix
    $zoo = New-ObsSyntheticZoo -Seed $Seed -Families $Families -ModelsPerFamily $ModelsPerFamily
    $null = $zoo | Import-ObsModel -Dataset $name
    [pscustomobject]@{
        Name       = $name
        Zoo        = $zoo
        Benchmarks = @($zoo[0].Scores.Keys | Where-Object { $_ -like 'bench-*' } | Sort-Object)
    }
}

# A fit of the downstream law on the models trained with at most 30e21 FLOPs (the rest held out).
function New-TestFit($Data, [string] $Name = 'law') {
    Invoke-ObsFit -Dataset $Data.Name -Name $Name -Force -Target downstream -CapabilityMetric $Data.Benchmarks `
        -Split Cutoff -SplitColumn 'FLOPs (1E21)' -SplitThreshold 30 -ReferenceFamily family-01
}

# A fresh pwsh (the same one running the tests), for what must start from nothing: auto-loading, exit codes.
# Its embedded server gets its own database.
function Invoke-FreshPwsh([string] $Command, [string[]] $File) {
    $pwsh = [System.IO.Path]::Combine($PSHOME, 'pwsh.dll')
    $database = $env:OBSSCALING_DATABASE
    $env:OBSSCALING_DATABASE = Join-Path $Work ((New-TestName 'fresh') + '.db')
    try {
        $output = if ($File) { & dotnet $pwsh -NoProfile -NonInteractive -File @File 2>&1 } else { & dotnet $pwsh -NoProfile -NonInteractive -Command $Command 2>&1 }
    }
    finally {
        $env:OBSSCALING_DATABASE = $database
    }
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
}

# The error record a command throws with -ErrorAction Stop.
function Get-ErrorRecord([scriptblock] $Command) {
    try { & $Command | Out-Null } catch { return $_ }
    throw 'expected the command to fail'
}

# Parameters of a command whose help has no description, or gives another type than the parameter has, e.g.
# "IrtRidge (help: String[], parameter: Double)" (common parameters excluded).
function Get-UndocumentedParameter([string] $Command) {
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $help = Get-Help $Command -Full
    $documented = @{}
    $helpType = @{}
    foreach ($p in @($help.parameters.parameter)) {
        if (-not $p -or -not $p.name) { continue }
        if ((@($p.description | ForEach-Object Text) -join '').Trim()) { $documented[$p.name] = $true }
        $helpType[$p.name] = "$($p.type.name)"
    }
    foreach ($parameter in (Get-Command $Command).Parameters.Values) {
        if ($parameter.Name -in $common) { continue }
        if (-not $documented[$parameter.Name]) { $parameter.Name; continue }
        # Help names a type by its short name; a nullable value type is documented as the value type.
        $type = [Nullable]::GetUnderlyingType($parameter.ParameterType) ?? $parameter.ParameterType
        if ($helpType[$parameter.Name] -ne $type.Name) { "$($parameter.Name) (help: $($helpType[$parameter.Name]), parameter: $($type.Name))" }
    }
}

# What Tab offers at the end of $Line.
function Get-Completion([string] $Line) {
    @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object CompletionText)
}
