BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $data = New-TestDataset 'models' -Families 4 -ModelsPerFamily 3
}

Describe 'Get-ObsModel' {
    It 'lists every stored model with its family and compute' {
        $models = Get-ObsModel $data.Name
        $models | Should -HaveCount 12
        ($models | Group-Object Family | Measure-Object).Count | Should -Be 4
        $models | ForEach-Object { $_.FlopsE21 | Should -BeGreaterThan 0 }
    }

    It 'filters names with wildcards' {
        $models = Get-ObsModel $data.Name -Name 'family-02-*'
        $models | Should -HaveCount 3
        $models.Family | Sort-Object -Unique | Should -Be 'family-02'
    }

    It 'binds -Dataset from the pipeline by property name' {
        (Get-ObsDataset $data.Name | Get-ObsModel | Measure-Object).Count | Should -Be 12
    }

    It 'comes out as JSON with the scores by metric name' {
        $json = Get-ObsModel $data.Name -Name 'family-01-*' | Select-Object -First 1 | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $json.Family | Should -Be 'family-01'
        $json.Scores.downstream | Should -BeGreaterThan 0
    }

    It 'reports an unknown dataset as ObjectNotFound with the dataset as target' {
        $err = Get-ErrorRecord { Get-ObsModel 'no-such-dataset' -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.FullyQualifiedErrorId | Should -BeLike 'ObsNotFound,*'
        "$err" | Should -Match 'no-such-dataset'
    }
}

Describe 'Get-ObsModel help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Get-ObsModel -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Get-ObsModel | Should -BeNullOrEmpty
    }
}
