BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $data = New-TestDataset 'backtest' -Families 6 -ModelsPerFamily 4
    $law = New-TestFit $data
}

Describe 'Invoke-ObsBacktest' {
    It 'compares the fit''s PC law with compute-only laws on the same split, marking the best' {
        $rows = Invoke-ObsBacktest -Fit $law.Fit
        $rows.Predictors | Should -Contain 'ln FLOPs'
        @($rows | Where-Object Best) | Should -HaveCount 1
        ($rows | Sort-Object TestMse | Select-Object -First 1).Best | Should -BeTrue
        $rows | ForEach-Object { $_.TestCount | Should -Be $law.TestCount }
    }

    It 'takes the fit from the pipeline' {
        ($law | Invoke-ObsBacktest | Measure-Object).Count | Should -BeGreaterThan 1
    }

    It 'runs leave-one-family-out from a spec, one result per family' {
        $rows = Invoke-ObsBacktest -Dataset $data.Name -Target downstream -CapabilityMetric $data.Benchmarks -ReferenceFamily family-01 -LeaveOneFamilyOut
        $rows | Should -Not -BeNullOrEmpty
        $rows[0].Mode | Should -Be 'LeaveOneFamilyOut'
        @($rows[0].Families).Count | Should -BeGreaterThan 1
    }

    It 'selects into a table a script can sort' {
        $table = Invoke-ObsBacktest -Fit $law.Fit | Select-Object Predictors, TestMse | Sort-Object TestMse
        $table[0].TestMse | Should -BeLessOrEqual $table[-1].TestMse
    }

    It 'reports an unknown fit as ObjectNotFound' {
        $err = Get-ErrorRecord { Invoke-ObsBacktest -Fit "datasets/$($data.Name)/fits/no-such-fit" -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Invoke-ObsBacktest help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Invoke-ObsBacktest -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Invoke-ObsBacktest | Should -BeNullOrEmpty
    }
}
