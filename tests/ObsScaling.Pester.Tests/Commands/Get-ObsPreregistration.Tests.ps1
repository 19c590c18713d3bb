BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $zoo = New-ObsSyntheticZoo -Seed 8 -Families 6 -ModelsPerFamily 4
    $known = New-TestName 'known'
    $null = $zoo | Where-Object Family -NE 'family-06' | Import-ObsModel -Dataset $known
    $upcoming = $zoo | Where-Object Family -EQ 'family-06'
    $law = Invoke-ObsFit -Dataset $known -Name law -Force -Target downstream -CapabilityMetric ($zoo[0].Scores.Keys | Where-Object { $_ -like 'bench-*' }) -ReferenceFamily family-01 -Interval Parametric
    $ledger = New-TestName 'ledger'
    $recorded = $upcoming | New-ObsPreregistration -Ledger $ledger -Fit $law.Fit
}

Describe 'Get-ObsPreregistration' {
    It 'lists a ledger''s entries' {
        $entries = Get-ObsPreregistration $ledger
        $entries | Should -HaveCount 4
        ($entries.Model | Sort-Object) | Should -Be ($upcoming.Name | Sort-Object)
    }

    It 'returns one entry by id, unchanged' {
        $one = Get-ObsPreregistration $ledger -Entry $recorded[0].Entry
        $one.Predicted | Should -Be $recorded[0].Predicted
    }

    It 'filters by state' {
        Get-ObsPreregistration $ledger -State Scored | Should -BeNullOrEmpty
        Get-ObsPreregistration $ledger -State Unscored | Should -HaveCount 4
    }

    # ledger entries are flat like forecasts: Predictor1..k columns, rows that cast back.
    It 'exports entries to CSV with numbered predictor columns that read back' {
        $csv = Join-Path $Work ((New-TestName 'ledger') + '.csv')
        $entries = @(Get-ObsPreregistration $ledger | Sort-Object Entry)
        $entries | Export-Csv -LiteralPath $csv
        Get-Content -LiteralPath $csv -Raw | Should -Not -Match 'System\.'
        $back = @(Import-Csv -LiteralPath $csv | ForEach-Object { [ObsScaling.PowerShell.Model.ObsPreregistration]$_ })
        $back | Should -HaveCount 4
        for ($i = 0; $i -lt 4; $i++) {
            $back[$i].Name | Should -Be $entries[$i].Name
            $back[$i].Predicted | Should -Be $entries[$i].Predicted
            $back[$i].Lower | Should -Be $entries[$i].Lower
            $back[$i].Scored | Should -BeFalse
            $back[$i].Observed | Should -BeNullOrEmpty
            @($back[$i].Predictors) | Should -Be @($entries[$i].Predictors)
            @($back[$i].Predictors).Count | Should -BeGreaterThan 0
        }
    }
}

Describe 'Get-ObsPreregistration help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Get-ObsPreregistration -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Get-ObsPreregistration | Should -BeNullOrEmpty
    }
}
