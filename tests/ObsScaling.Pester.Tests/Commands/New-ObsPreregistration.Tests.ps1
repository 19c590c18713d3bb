BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    # Fitted on the known models; the last family's models stand for models not evaluated yet.
    $zoo = New-ObsSyntheticZoo -Seed 6 -Families 6 -ModelsPerFamily 4
    $known = New-TestName 'known'
    $null = $zoo | Where-Object Family -NE 'family-06' | Import-ObsModel -Dataset $known
    $upcoming = $zoo | Where-Object Family -EQ 'family-06'
    $law = Invoke-ObsFit -Dataset $known -Name law -Force -Target downstream -CapabilityMetric ($zoo[0].Scores.Keys | Where-Object { $_ -like 'bench-*' }) -ReferenceFamily family-01 -Interval Parametric
}

Describe 'New-ObsPreregistration' {
    It 'records one forecast with an interval per model piped in' {
        $ledger = New-TestName 'ledger'
        $entries = $upcoming | New-ObsPreregistration -Ledger $ledger -Fit $law.Fit -Note 'before evaluation'
        $entries | Should -HaveCount 4
        foreach ($e in $entries) {
            $e.Status | Should -Be 'Recorded'
            $e.Lower | Should -Not -BeNullOrEmpty
            $e.Lower | Should -BeLessThan $e.Predicted
            $e.Predicted | Should -BeLessThan $e.Upper
        }
        ($entries.DataHash | Sort-Object -Unique) | Should -HaveCount 1
    }

    It 'records nothing under -WhatIf' {
        $ledger = New-TestName 'ledger'
        $upcoming | New-ObsPreregistration -Ledger $ledger -Fit $law.Fit -WhatIf
        (Get-ErrorRecord { Get-ObsPreregistration $ledger -ErrorAction Stop }).CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'flags a model the fit already saw, with a warning' {
        $ledger = New-TestName 'ledger'
        $entry = New-ObsPreregistration -Ledger $ledger -Fit $law.Fit -SourceDataset $known -Model $zoo[0].Name -WarningVariable warned -WarningAction SilentlyContinue
        $entry.AlreadyObserved | Should -BeTrue
        "$warned" | Should -Match 'AlreadyObserved'
    }
}

Describe 'New-ObsPreregistration help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help New-ObsPreregistration -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter New-ObsPreregistration | Should -BeNullOrEmpty
    }
}
