BeforeAll { . $PSScriptRoot/../Support/Common.ps1 }

Describe 'Get-ObsConnection' {
    It 'shows the embedded server on the database named by $env:OBSSCALING_DATABASE' {
        $null = Get-ObsDataset
        $c = Get-ObsConnection
        $c.Embedded | Should -BeTrue
        $c.DatabasePath | Should -Be $env:OBSSCALING_DATABASE
        $c.Endpoint | Should -Match '^http://127\.0\.0\.1:\d+$'
        Get-Process -Id $c.ServerProcessId | Should -Not -BeNullOrEmpty
    }

    It 'loads the module on first use, with no Import-Module, and a failed command fails pwsh' {
        $fresh = Invoke-FreshPwsh '(Get-Module ObsScaling) -eq $null; (New-ObsSyntheticZoo -Seed 1 -Families 2 | Measure-Object).Count; (Get-Module ObsScaling).ExportedCmdlets.Count; Get-ObsModel no-such-dataset -ErrorAction Stop'
        $fresh.ExitCode | Should -Be 1
        $fresh.Output[0..2] | Should -Be 'True', '10', '24'
        ($fresh.Output -join "`n") | Should -Match 'no-such-dataset'
    }

    It 'shares the embedded server with ForEach-Object -Parallel runspaces' {
        $data = New-TestDataset 'parallel' -Families 2 -ModelsPerFamily 2
        $endpoint = (Get-ObsConnection).Endpoint
        $seen = 1..4 | ForEach-Object -Parallel { $n = (Get-ObsDataset $using:data.Name).ModelCount; "$((Get-ObsConnection).Endpoint) $n" } -ThrottleLimit 4
        $seen | Sort-Object -Unique | Should -Be "$endpoint 4"
    }
}

Describe 'Get-ObsConnection help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Get-ObsConnection -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Get-ObsConnection | Should -BeNullOrEmpty
    }
}
