BeforeAll { . $PSScriptRoot/../Support/Common.ps1 }

Describe 'New-ObsSyntheticZoo' {
    It 'draws Families × ModelsPerFamily models, grouped by family' {
        $zoo = New-ObsSyntheticZoo -Seed 5 -Families 4 -ModelsPerFamily 3
        $zoo | Should -HaveCount 12
        $groups = $zoo | Group-Object Family
        $groups | Should -HaveCount 4
        $groups | ForEach-Object Count | Sort-Object -Unique | Should -Be 3
    }

    It 'is reproducible from its seed and differs across seeds' {
        $a = New-ObsSyntheticZoo -Seed 11 -Families 2 | ForEach-Object { $_.Scores['downstream'] }
        $b = New-ObsSyntheticZoo -Seed 11 -Families 2 | ForEach-Object { $_.Scores['downstream'] }
        $c = New-ObsSyntheticZoo -Seed 12 -Families 2 | ForEach-Object { $_.Scores['downstream'] }
        $b | Should -Be $a
        $c | Should -Not -Be $a
    }

    It 'orders compute within a family: Sort-Object and Measure-Object over FLOPs' {
        $zoo = New-ObsSyntheticZoo -Seed 2 -Families 3 -ModelsPerFamily 5
        $family = $zoo | Where-Object Family -EQ 'family-01'
        ($family | Sort-Object FlopsE21 | Select-Object -ExpandProperty Name) | Should -Be ($family | Sort-Object ParametersB | Select-Object -ExpandProperty Name)
        $stats = $zoo | Measure-Object FlopsE21 -Minimum -Maximum -Sum
        $stats.Count | Should -Be 15
        $stats.Minimum | Should -BeGreaterThan 0
        $stats.Maximum | Should -BeGreaterThan $stats.Minimum
    }

    It 'leaves the requested share of benchmark scores missing' {
        $zoo = New-ObsSyntheticZoo -Seed 3 -Families 10 -ModelsPerFamily 5 -Benchmarks 8 -MissingFraction 0.25
        $present = ($zoo | ForEach-Object { @($_.Scores.Keys | Where-Object { $_ -like 'bench-*' }).Count } | Measure-Object -Sum).Sum
        $share = 1 - $present / (50 * 8)
        $share | Should -BeGreaterThan 0.15
        $share | Should -BeLessThan 0.35
    }

    It 'refuses a bad count with an error naming the parameter' {
        $err = Get-ErrorRecord { New-ObsSyntheticZoo -Families 0 -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err" | Should -Match 'Families'
    }

    It 'runs examples/quickstart.ps1 under pwsh, forecasting the held-out models' {
        $text = & (Join-Path $RepositoryRoot 'examples' 'quickstart.ps1') | Out-String -Width 160
        $text | Should -Match 'Capability space: PC-1 explains'
        $text | Should -Match 'inside their 90% family-bootstrap interval'
        $text | Should -Match 'ln FLOPs'
    }
}

Describe 'New-ObsSyntheticZoo help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help New-ObsSyntheticZoo -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter New-ObsSyntheticZoo | Should -BeNullOrEmpty
    }
}
