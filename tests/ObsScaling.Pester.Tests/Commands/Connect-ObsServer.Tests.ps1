BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    # A second, separately started server with its own database, as a team's shared server would be.
    $serverDll = Join-Path (Get-Command Connect-ObsServer).Module.ModuleBase 'server' 'ObsScaling.Server.dll'
    $log = Join-Path $Work ((New-TestName 'server') + '.log')
    $server = Start-Process dotnet -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err" -ArgumentList @(
        $serverDll, '--urls=http://127.0.0.1:0', "--ObsScaling:DatabasePath=$(Join-Path $Work ((New-TestName 'remote') + '.db'))", '--Logging:LogLevel:Default=Warning')
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    $endpoint = $null
    while (-not $endpoint -and [DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 100
        $endpoint = Select-String -LiteralPath $log -Pattern 'ObsScaling server listening on (\S+)' -ErrorAction SilentlyContinue |
            ForEach-Object { $_.Matches[0].Groups[1].Value } | Select-Object -First 1
    }
    if (-not $endpoint) { throw "the server did not start: $(Get-Content -Raw "$log.err")" }
    $remote = New-TestName 'remote'
}

AfterAll {
    Disconnect-ObsServer
    if ($server) { Stop-Process -Id $server.Id -ErrorAction SilentlyContinue }
}

Describe 'Connect-ObsServer' {
    It 'connects to a started server and uses its database' {
        $connection = Connect-ObsServer $endpoint
        $connection.Endpoint | Should -Be $endpoint
        $connection.Embedded | Should -BeFalse
        $null = New-ObsSyntheticZoo -Seed 2 -Families 2 | Import-ObsModel -Dataset $remote
        (Get-ObsDataset $remote).ModelCount | Should -Be 10
    }

    It 'reaches the same server from ForEach-Object -Parallel with the connection passed by $using:' {
        $connection = Connect-ObsServer $endpoint
        $counts = 1..3 | ForEach-Object -Parallel {
            $null = $using:connection | Connect-ObsServer
            (Get-ObsDataset $using:remote).ModelCount
        } -ThrottleLimit 3
        $counts | Should -Be 10, 10, 10
    }

    It 'reaches the same server from Start-ThreadJob with the endpoint passed by $using:' {
        $job = Start-ThreadJob { $null = Connect-ObsServer $using:endpoint; (Get-ObsConnection).Endpoint; (Get-ObsDataset $using:remote).ModelCount }
        $out = $job | Wait-Job -Timeout 60 | Receive-Job
        $job | Remove-Job -Force
        $out | Should -Be $endpoint, 10
    }

    It 'refuses an endpoint that is not an http URL, naming the parameter' {
        $err = Get-ErrorRecord { Connect-ObsServer 'ftp://127.0.0.1:1' -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err" | Should -Match 'Endpoint'
    }

    It 'reports an unreachable server as ConnectionError naming the endpoint' {
        $err = Get-ErrorRecord { Connect-ObsServer 'http://127.0.0.1:9' -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        "$err" | Should -Match '127\.0\.0\.1:9'
    }

    # a failed Connect-ObsServer keeps the previous connection instead of switching databases.
    It 'keeps the previous connection when a connect fails' {
        $null = Connect-ObsServer $endpoint
        { Connect-ObsServer 'http://127.0.0.1:9' -ErrorAction Stop } | Should -Throw
        (Get-ObsConnection).Endpoint | Should -Be $endpoint
        (Get-ObsDataset $remote).ModelCount | Should -Be 10
    }
}

Describe 'Connect-ObsServer help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Connect-ObsServer -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Connect-ObsServer | Should -BeNullOrEmpty
    }
}
