BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $data = New-TestDataset 'getfit' -Families 6 -ModelsPerFamily 4
    $first = New-TestFit $data -Name 'first'
    $second = New-TestFit $data -Name 'second'
}

Describe 'Get-ObsFit' {
    It 'lists the stored fits of a dataset' {
        (Get-ObsFit $data.Name).FitId | Sort-Object | Should -Be 'first', 'second'
    }

    It 'returns one fit by name with the same law as when fitted' {
        $fit = Get-ObsFit $data.Name -Name first
        $fit.Fit | Should -Be $first.Fit
        $fit.TestMse | Should -Be $first.TestMse
        $fit.Weights | Should -Be $first.Weights
    }

    It 'sorts and selects fits like any object' {
        $best = Get-ObsFit $data.Name | Sort-Object TestMse | Select-Object -First 1 -ExpandProperty FitId
        $best | Should -BeIn 'first', 'second'
    }

    It 'reports an unknown fit as ObjectNotFound' {
        $err = Get-ErrorRecord { Get-ObsFit $data.Name -Name no-such-fit -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$err" | Should -Match 'no-such-fit'
    }

    It 'completes fit names' {
        Get-Completion "Get-ObsForecast -Fit datasets/$($data.Name)/fits/f" | Should -Contain "datasets/$($data.Name)/fits/first"
    }
}

Describe 'Get-ObsFit help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Get-ObsFit -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Get-ObsFit | Should -BeNullOrEmpty
    }
}
