BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $one = New-TestDataset 'listing' -Families 2 -ModelsPerFamily 2
    $two = New-TestDataset 'listing' -Families 3 -ModelsPerFamily 2
}

Describe 'Get-ObsDataset' {
    It 'lists the stored datasets and filters them with wildcards' {
        $all = Get-ObsDataset
        $all.Dataset | Should -Contain $one.Name
        $all.Dataset | Should -Contain $two.Name
        $found = Get-ObsDataset 'listing-*' | Where-Object { $_.Dataset -in $one.Name, $two.Name } | Sort-Object ModelCount
        $found.ModelCount | Should -Be 4, 6
    }

    It 'describes a dataset: models, metrics, families, an etag' {
        $d = Get-ObsDataset $two.Name
        $d.ModelCount | Should -Be 6
        $d.Families | Should -HaveCount 3
        $d.Metrics | Should -Contain 'downstream'
        $d.Etag | Should -Not -BeNullOrEmpty
    }

    It 'takes dataset names from the pipeline' {
        ($one.Name, $two.Name | Get-ObsDataset | Measure-Object ModelCount -Sum).Sum | Should -Be 10
    }

    It 'reports an unknown dataset as ObjectNotFound' {
        $err = Get-ErrorRecord { Get-ObsDataset 'no-such-dataset' -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$err" | Should -Match 'no-such-dataset'
    }
}

Describe 'Get-ObsDataset help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Get-ObsDataset -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Get-ObsDataset | Should -BeNullOrEmpty
    }
}
