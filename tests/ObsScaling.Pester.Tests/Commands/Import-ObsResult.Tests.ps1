BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $folder = Join-Path $Work (New-TestName 'results')
    $null = New-Item -ItemType Directory -Path $folder
    # A tidy long CSV (model, metric, value) and its metadata, as an evaluation pipeline would write them.
    $tidy = Join-Path $folder 'scores.csv'
    $meta = Join-Path $folder 'models.csv'
    $zoo = New-ObsSyntheticZoo -Seed 4 -Families 3 -ModelsPerFamily 3
    $zoo | ForEach-Object { $m = $_; $m.Scores.Keys | ForEach-Object { [pscustomobject]@{ model = $m.Name; metric = $_; value = $m.Scores[$_] } } } |
        Export-Csv -LiteralPath $tidy -NoTypeInformation -UseQuotes AsNeeded
    $zoo | ForEach-Object { [pscustomobject]@{ model = $_.Name; family = $_.Family; params_b = $_.ParametersB; tokens_t = $_.TokensT } } |
        Export-Csv -LiteralPath $meta -NoTypeInformation -UseQuotes AsNeeded
}

Describe 'Import-ObsResult' {
    It 'imports a tidy CSV with its metadata into a dataset' {
        $name = New-TestName 'tidy'
        $null = Import-ObsResult -Path $tidy -Format TidyCsv -MetadataPath $meta -Dataset $name
        $models = Get-ObsModel $name
        $models | Should -HaveCount 9
        ($models | Group-Object Family).Count | Should -Be 3
        [math]::Abs((($models | Where-Object Name -EQ $zoo[0].Name).Scores['downstream']) - ($zoo[0].Scores['downstream'])) | Should -BeLessThan 1e-9
    }

    It 'imports nothing under -WhatIf' {
        $name = New-TestName 'whatif'
        Import-ObsResult -Path $tidy -Format TidyCsv -MetadataPath $meta -Dataset $name -WhatIf
        Get-ObsDataset | Where-Object Dataset -EQ $name | Should -BeNullOrEmpty
    }

    It 'reports a damaged file as InvalidArgument naming the file' {
        $bad = Join-Path $folder 'results_bad.json'
        Set-Content -LiteralPath $bad -Value '{ "results": '
        $err = Get-ErrorRecord { Import-ObsResult -Path $bad -Format LmEvalHarness -Metric 'mmlu=acc,none' -Dataset (New-TestName 'bad') -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err" | Should -Match 'results_bad\.json'
    }

    It 'refuses an unknown -Format, listing the formats' {
        "$(Get-ErrorRecord { Import-ObsResult -Path $tidy -Format Excel -ErrorAction Stop })" | Should -Match 'TidyCsv'
    }
}

Describe 'Import-ObsResult help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Import-ObsResult -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Import-ObsResult | Should -BeNullOrEmpty
    }
}
