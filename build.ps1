# Builds, tests and publishes ObsScaling. Runs under the repository's pinned PowerShell 7.6.9
# (`dotnet tool restore`, then `dotnet pwsh ./build.ps1`), any pwsh 7.6+, and the project's own host
# (`dotnet run --project src/ObsScaling.Shell -- -File build.ps1`): so .NET calls instead of Join-Path/Test-Path,
# native exit codes checked by hand, and the PSResourceGet step only where that module exists.
param(
    [string] $Configuration = 'Release',
    [switch] $SkipTests,
    # Where the publishable module (ObsScaling/), the obs shell (obs/) and the folder repository with the
    # module's .nupkg (repository/) go.
    [string] $Output = [System.IO.Path]::Combine($PSScriptRoot, 'artifacts'),
    # The platform whose native libraries (SQLite, Skia, HarfBuzz) the embedded server ships with: this machine's
    # by default (e.g. linux-x64, win-x64, osx-arm64). 'any' ships the natives of every platform the packages
    # support (27 of them, about 280 MB instead of about 40 MB).
    [string] $Runtime = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier,
    # MSBuild's parallel nodes (its -m); 0 leaves MSBuild's default, one per core. 1 keeps a small or shared
    # machine responsive at the cost of a longer build.
    [ValidateRange(0, 1024)] [int] $MaxCpuCount = 0
)

$ErrorActionPreference = 'Stop'
$started = [System.Diagnostics.Stopwatch]::StartNew()
$solution = [System.IO.Path]::Combine($PSScriptRoot, 'ObsScaling.Grpc.sln')

function Invoke-Step([string] $Title, [scriptblock] $Command) {
    "== $Title"
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$Title failed (exit code $LASTEXITCODE)" }
}

# The Pester tests run under the pinned pwsh; restoring it is cheap when it is already there.
Invoke-Step 'tool restore' { dotnet tool restore }
$nodes = @()
if ($MaxCpuCount -gt 0) { $nodes = @("-m:$MaxCpuCount") }
Invoke-Step 'build' { dotnet build $solution -c $Configuration -warnaserror -nologo @nodes }
if (-not $SkipTests) {
    Invoke-Step 'test' { dotnet test $solution -c $Configuration --no-build --nologo }
}

$moduleOut = [System.IO.Path]::Combine($Output, 'ObsScaling')
$shellOut = [System.IO.Path]::Combine($Output, 'obs')
$runtimeArgs = @()
# For one platform the module, its server and obs are also compiled ReadyToRun (precompiled code beside the IL):
# a fresh process then spends its start-up running instead of JIT-compiling PowerShell and gRPC (docs/performance.md,
# "Start-up": obs -c '$null' 0.6-0.8 s instead of 2.0-2.5 s).
if ($Runtime -and $Runtime -ne 'any') { $runtimeArgs = @("-p:ObsServerRuntime=$Runtime", '-r', $Runtime, '--self-contained', 'false', '-p:PublishReadyToRun=true') }
foreach ($dir in @($moduleOut, $shellOut)) {
    # A publish over an earlier one would keep files (other platforms' natives) the new one no longer has.
    if ([System.IO.Directory]::Exists($dir)) { [System.IO.Directory]::Delete($dir, $true) }
}
Invoke-Step 'publish module' { dotnet publish ([System.IO.Path]::Combine($PSScriptRoot, 'module', 'ObsScaling.PowerShell')) -c $Configuration -o $moduleOut -nologo @runtimeArgs @nodes }
Invoke-Step 'publish obs' { dotnet publish ([System.IO.Path]::Combine($PSScriptRoot, 'src', 'ObsScaling.Shell')) -c $Configuration -o $shellOut -nologo @runtimeArgs @nodes }

# The contract for clients in other languages: every .proto of obsscaling.v1 and a self-contained descriptor set
# (its google/api, google/rpc and google/protobuf imports included), so no googleapis checkout is needed.
$contractOut = [System.IO.Path]::Combine($Output, 'contract')
if ([System.IO.Directory]::Exists($contractOut)) { [System.IO.Directory]::Delete($contractOut, $true) }
[void][System.IO.Directory]::CreateDirectory([System.IO.Path]::Combine($contractOut, 'obsscaling', 'v1'))
foreach ($proto in [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($PSScriptRoot, 'protos', 'obsscaling', 'v1'), '*.proto')) {
    [System.IO.File]::Copy($proto, [System.IO.Path]::Combine($contractOut, 'obsscaling', 'v1', [System.IO.Path]::GetFileName($proto)))
}
[System.IO.File]::Copy([System.IO.Path]::Combine($PSScriptRoot, 'src', 'ObsScaling.Contracts', 'bin', $Configuration, 'net10.0', 'obsscaling.protoset'), [System.IO.Path]::Combine($contractOut, 'obsscaling.protoset'))
"Contract: $contractOut (protos and obsscaling.protoset)"

$bytes = 0
foreach ($file in [System.IO.Directory]::GetFiles($moduleOut, '*', [System.IO.SearchOption]::AllDirectories)) { $bytes += ([System.IO.FileInfo]::new($file)).Length }
"Module: $moduleOut ($([math]::Round($bytes / 1MB, 1)) MB, natives for $(if ($runtimeArgs) { $Runtime } else { 'every platform' }))"

# A folder repository holding the module's .nupkg, for Install-PSResource. The repository is registered only for
# the publish and unregistered after, so the build leaves the user's PSResourceGet settings as they were.
$repository = [System.IO.Path]::Combine($Output, 'repository')
if (Get-Command Publish-PSResource -ErrorAction SilentlyContinue) {
    [System.IO.Directory]::CreateDirectory($repository) | Out-Null
    foreach ($old in [System.IO.Directory]::GetFiles($repository, 'ObsScaling.*.nupkg')) { [System.IO.File]::Delete($old) }
    $name = 'ObsScalingBuild-' + [guid]::NewGuid().ToString('N')
    "== publish $repository"
    Register-PSResourceRepository -Name $name -Uri $repository -Trusted
    try {
        Publish-PSResource -Path $moduleOut -Repository $name -SkipDependenciesCheck
    }
    finally {
        Unregister-PSResourceRepository -Name $name
    }
    "Repository: Register-PSResourceRepository -Name ObsScaling -Uri $repository -Trusted; Install-PSResource ObsScaling -Repository ObsScaling"
}
else {
    "Repository: skipped (this host has no PSResourceGet; run the build under pwsh for the .nupkg)"
}

"Module: `$env:PSModulePath = '$Output' + [System.IO.Path]::PathSeparator + `$env:PSModulePath (then its cmdlets auto-load), or Import-Module $([System.IO.Path]::Combine($moduleOut, 'ObsScaling.psd1'))"
"Shell:  dotnet $([System.IO.Path]::Combine($shellOut, 'obs.dll')) -File examples/quickstart.ps1"
"Done in $([math]::Round($started.Elapsed.TotalSeconds)) s"
