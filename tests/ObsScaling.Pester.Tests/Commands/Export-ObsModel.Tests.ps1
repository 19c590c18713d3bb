BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $data = New-TestDataset 'export' -Families 3 -ModelsPerFamily 3
}

Describe 'Export-ObsModel' {
    It 'writes the paper''s wide CSV that Import-ObsModel reads back' {
        $csv = Join-Path $Work ((New-TestName 'wide') + '.csv')
        Get-ObsModel $data.Name | Export-ObsModel -Path $csv
        $header = (Get-Content -LiteralPath $csv -TotalCount 1) -split ','
        $header[0..4] | Should -Be @('Model', 'Model Family', 'Model Size (B)', 'Pretraining Data Size (T)', 'FLOPs (1E21)')
        $back = Import-ObsModel -Path $csv
        $back | Should -HaveCount 9
        $original = Get-ObsModel $data.Name | Sort-Object Name
        $again = $back | Sort-Object Name
        for ($i = 0; $i -lt 9; $i++) {
            $again[$i].Family | Should -Be $original[$i].Family
            $again[$i].FlopsE21 | Should -Be $original[$i].FlopsE21
            $again[$i].Scores.downstream | Should -Be $original[$i].Scores.downstream
        }
    }

    It 'is read by Import-Csv with one row per model' {
        $csv = Join-Path $Work ((New-TestName 'rows') + '.csv')
        Get-ObsModel $data.Name | Export-ObsModel -Path $csv
        $rows = Import-Csv -LiteralPath $csv
        $rows | Should -HaveCount 9
        ($rows | Group-Object 'Model Family').Count | Should -Be 3
    }

    It 'writes nothing under -WhatIf and refuses to overwrite without -Force' {
        $csv = Join-Path $Work ((New-TestName 'whatif') + '.csv')
        Get-ObsModel $data.Name | Export-ObsModel -Path $csv -WhatIf
        Test-Path -LiteralPath $csv | Should -BeFalse
        Get-ObsModel $data.Name | Export-ObsModel -Path $csv
        $err = Get-ErrorRecord { Get-ObsModel $data.Name | Export-ObsModel -Path $csv -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
    }
}

Describe 'Export-ObsModel help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Export-ObsModel -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Export-ObsModel | Should -BeNullOrEmpty
    }
}
