BeforeAll { . $PSScriptRoot/../Support/Common.ps1 }

Describe 'Disconnect-ObsServer' {
    It 'drops an explicit connection and returns to the embedded server' {
        $null = Get-ObsDataset
        $embedded = (Get-ObsConnection).Endpoint
        $null = Connect-ObsServer $embedded -SkipCheck
        (Get-ObsConnection).Embedded | Should -BeFalse
        $dropped = Disconnect-ObsServer -PassThru
        $dropped.Endpoint | Should -Be $embedded
        $null = Get-ObsDataset
        (Get-ObsConnection).Embedded | Should -BeTrue
    }

    It 'stops the embedded server; the next command starts a new one on the same database' {
        $data = New-TestDataset 'restart' -Families 2 -ModelsPerFamily 2
        $before = Get-ObsConnection
        Disconnect-ObsServer
        Get-Process -Id $before.ServerProcessId -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-ObsDataset $data.Name).ModelCount | Should -Be 4
        (Get-ObsConnection).ServerProcessId | Should -Not -Be $before.ServerProcessId
    }

    It 'is harmless when nothing is connected' {
        Disconnect-ObsServer
        { Disconnect-ObsServer } | Should -Not -Throw
    }
}

Describe 'Disconnect-ObsServer help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Disconnect-ObsServer -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Disconnect-ObsServer | Should -BeNullOrEmpty
    }
}
