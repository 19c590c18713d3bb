BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $data = New-TestDataset 'subset' -Families 6 -ModelsPerFamily 4
}

Describe 'Select-ObsSubset' {
    It 'picks whole families within the model budget' {
        $subset = Select-ObsSubset -Dataset $data.Name -Budget 8
        $subset.ModelCount | Should -BeLessOrEqual 8
        $subset.PoolSize | Should -Be 24
        $subset.Models | ForEach-Object { ($_ -split '-')[0..1] -join '-' } | Sort-Object -Unique | Should -Be ($subset.Families | Sort-Object)
    }

    It 'returns one subset per budget, larger budgets covering more models' {
        $subsets = Select-ObsSubset -Dataset $data.Name -Budget 4, 8, 12 | Sort-Object Budget
        $subsets | Should -HaveCount 3
        $subsets[2].ModelCount | Should -BeGreaterOrEqual $subsets[0].ModelCount
    }

    It 'forces a family in with -IncludeFamily' {
        (Select-ObsSubset -Dataset $data.Name -Budget 8 -IncludeFamily family-05).Families | Should -Contain family-05
    }

    It 'refuses a -Method outside its set, listing the valid values' {
        $err = Get-ErrorRecord { Select-ObsSubset -Dataset $data.Name -Budget 8 -Method Fastest -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        "$err" | Should -Match 'Exhaustive'
    }
}

Describe 'Select-ObsSubset help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Select-ObsSubset -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Select-ObsSubset | Should -BeNullOrEmpty
    }
}
