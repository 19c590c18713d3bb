BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $zoo = New-ObsSyntheticZoo -Seed 10 -Families 6 -ModelsPerFamily 4
    $known = New-TestName 'known'
    $null = $zoo | Where-Object Family -NE 'family-06' | Import-ObsModel -Dataset $known
    $upcoming = $zoo | Where-Object Family -EQ 'family-06'
    $law = Invoke-ObsFit -Dataset $known -Name law -Force -Target downstream -CapabilityMetric ($zoo[0].Scores.Keys | Where-Object { $_ -like 'bench-*' }) -ReferenceFamily family-01 -Interval Parametric
}

Describe 'Complete-ObsPreregistration' {
    It 'scores recorded forecasts against observed values' {
        $ledger = New-TestName 'ledger'
        $null = $upcoming | New-ObsPreregistration -Ledger $ledger -Fit $law.Fit
        $observed = @{}; $upcoming | ForEach-Object { $observed[$_.Name] = $_.Scores['downstream'] }
        $scored = Complete-ObsPreregistration -Ledger $ledger -Observed $observed -WarningAction SilentlyContinue
        $scored | Should -HaveCount 4
        $scored | ForEach-Object { $_.Scored | Should -BeTrue }
        Get-ObsPreregistration $ledger -State Scored | Should -HaveCount 4
    }

    It 'scores from a dataset of the evaluated models' {
        $ledger = New-TestName 'ledger'
        $null = $upcoming | New-ObsPreregistration -Ledger $ledger -Fit $law.Fit
        $evaluated = New-TestName 'evaluated'
        $null = $upcoming | Import-ObsModel -Dataset $evaluated
        $summary = Complete-ObsPreregistration $ledger $evaluated -WarningAction SilentlyContinue | Measure-Object
        $summary.Count | Should -Be 4
    }

    It 'changes nothing under -WhatIf' {
        $ledger = New-TestName 'ledger'
        $null = $upcoming | New-ObsPreregistration -Ledger $ledger -Fit $law.Fit
        Complete-ObsPreregistration -Ledger $ledger -Observed @{ ($upcoming[0].Name) = 0.5 } -WhatIf
        Get-ObsPreregistration $ledger -State Scored | Should -BeNullOrEmpty
    }
}

Describe 'Complete-ObsPreregistration help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Complete-ObsPreregistration -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Complete-ObsPreregistration | Should -BeNullOrEmpty
    }
}
