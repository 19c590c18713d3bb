BeforeAll { . $PSScriptRoot/../Support/Common.ps1 }

Describe 'Remove-ObsDataset' {
    It 'deletes nothing under -WhatIf' {
        $data = New-TestDataset 'remove' -Families 2 -ModelsPerFamily 2
        Remove-ObsDataset $data.Name -WhatIf
        (Get-ObsDataset $data.Name).ModelCount | Should -Be 4
    }

    It 'deletes with -Confirm:$false' {
        $data = New-TestDataset 'remove' -Families 2 -ModelsPerFamily 2
        Remove-ObsDataset $data.Name -Confirm:$false
        Get-ObsDataset | Where-Object Dataset -EQ $data.Name | Should -BeNullOrEmpty
    }

    It 'asks before deleting (ConfirmImpact High) and fails where no one can answer' {
        $data = New-TestDataset 'remove' -Families 2 -ModelsPerFamily 2
        # -NonInteractive: the prompt cannot be shown, so PowerShell refuses instead of assuming Yes.
        { Remove-ObsDataset $data.Name -ErrorAction Stop } | Should -Throw
        (Get-ObsDataset $data.Name).ModelCount | Should -Be 4
        Remove-ObsDataset $data.Name -Confirm:$false
    }

    It 'refuses a dataset with fits without -Force, then deletes it with -Force' {
        $data = New-TestDataset 'remove' -Families 6 -ModelsPerFamily 4
        $null = New-TestFit $data
        $err = Get-ErrorRecord { Remove-ObsDataset $data.Name -Confirm:$false -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        "$err" | Should -Match 'Force|fits'
        Remove-ObsDataset $data.Name -Force -Confirm:$false
        Get-ObsDataset | Where-Object Dataset -EQ $data.Name | Should -BeNullOrEmpty
    }

    It 'takes datasets from Get-ObsDataset through the pipeline' {
        $a = New-TestDataset 'piperemove' -Families 2 -ModelsPerFamily 2
        $b = New-TestDataset 'piperemove' -Families 2 -ModelsPerFamily 2
        Get-ObsDataset $a.Name, $b.Name | Remove-ObsDataset -Confirm:$false
        Get-ObsDataset | Where-Object Dataset -In $a.Name, $b.Name | Should -BeNullOrEmpty
    }
}

Describe 'Remove-ObsDataset help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Remove-ObsDataset -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Remove-ObsDataset | Should -BeNullOrEmpty
    }
}
