# Builds, tests and publishes ObsScaling. Runs under a real PowerShell 7.6+ (`pwsh ./build.ps1`) and under the
# project's own host (`dotnet run --project src/ObsScaling.Shell -- -File build.ps1`), which has only the Core
# cmdlets: so .NET calls instead of Join-Path/Test-Path, and native exit codes checked by hand.
param(
    [string] $Configuration = 'Release',
    [switch] $SkipTests,
    # Where the publishable module (ObsScaling/) and the obs shell (obs/) go.
    [string] $Output = [System.IO.Path]::Combine($PSScriptRoot, 'artifacts')
)

$ErrorActionPreference = 'Stop'
$solution = [System.IO.Path]::Combine($PSScriptRoot, 'ObsScaling.Grpc.sln')

function Invoke-Step([string] $Title, [scriptblock] $Command) {
    "== $Title"
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$Title failed (exit code $LASTEXITCODE)" }
}

Invoke-Step 'build' { dotnet build $solution -c $Configuration -warnaserror -nologo }
if (-not $SkipTests) {
    Invoke-Step 'test' { dotnet test $solution -c $Configuration --no-build --nologo }
}

$moduleOut = [System.IO.Path]::Combine($Output, 'ObsScaling')
$shellOut = [System.IO.Path]::Combine($Output, 'obs')
Invoke-Step 'publish module' { dotnet publish ([System.IO.Path]::Combine($PSScriptRoot, 'module', 'ObsScaling.PowerShell')) -c $Configuration -o $moduleOut -nologo }
Invoke-Step 'publish obs' { dotnet publish ([System.IO.Path]::Combine($PSScriptRoot, 'src', 'ObsScaling.Shell')) -c $Configuration -o $shellOut -nologo }

"Module: Import-Module $([System.IO.Path]::Combine($moduleOut, 'ObsScaling.psd1'))"
"Shell:  dotnet $([System.IO.Path]::Combine($shellOut, 'obs.dll')) -File examples/quickstart.ps1"
