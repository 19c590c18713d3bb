BeforeAll { . $PSScriptRoot/../Support/Common.ps1 }

Describe 'Import-ObsModel' {
    It 'stores piped models and reports what it added' {
        $name = New-TestName 'import'
        $zoo = New-ObsSyntheticZoo -Seed 1 -Families 3 -ModelsPerFamily 2
        $result = $zoo | Import-ObsModel -Dataset $name
        $result.Dataset | Should -Be $name
        $result.ModelCount | Should -Be 6
        $result.ModelsAdded | Should -Be 6
        (Get-ObsModel $name | Measure-Object).Count | Should -Be 6
    }

    It 'round-trips models through Export-Csv and Import-Csv into a paper-style CSV import' {
        $name = New-TestName 'csv'
        $zoo = New-ObsSyntheticZoo -Seed 9 -Families 3 -ModelsPerFamily 3
        $csv = Join-Path $Work "$name.csv"
        $zoo | ForEach-Object {
            $row = [ordered]@{ Model = $_.Name; 'Model Family' = $_.Family; 'Model Size (B)' = $_.ParametersB; 'Pretraining Data Size (T)' = $_.TokensT; 'FLOPs (1E21)' = $_.FlopsE21 }
            foreach ($k in $_.Scores.Keys | Sort-Object) { $row[$k] = $_.Scores[$k] }
            [pscustomobject]$row
        } | Export-Csv -LiteralPath $csv -NoTypeInformation
        (Import-Csv -LiteralPath $csv) | Should -HaveCount 9
        $null = Import-ObsModel -Path $csv -Dataset $name
        $back = Get-ObsModel $name | Sort-Object Name
        $back | Should -HaveCount 9
        $first = $zoo | Sort-Object Name | Select-Object -First 1
        $back[0].Name | Should -Be $first.Name
        [math]::Abs(($back[0].Scores['downstream']) - ($first.Scores['downstream'])) | Should -BeLessThan 1e-9
    }

    It 'writes models flat with Export-Csv (one column per metric) and reads them back with Import-Csv | Import-ObsModel' {
        $zoo = New-ObsSyntheticZoo -Seed 21 -Families 2 -ModelsPerFamily 2 | Sort-Object Name
        $zoo[0].ReleaseDate = '2026-03-14'
        $zoo[0].Organization = 'Example Labs'
        $zoo[1].'bench-3' = $null
        $csv = Join-Path $Work ((New-TestName 'flat') + '.csv')
        $zoo | Export-Csv -LiteralPath $csv
        $header = (Get-Content -LiteralPath $csv -TotalCount 1) -split ',' | ForEach-Object { $_.Trim('"') }
        $header | Should -Contain 'downstream'
        $header | Should -Contain 'bench-3'
        $header | Should -Contain 'ReleaseDate'
        $header | Should -Not -Contain 'Scores'
        $header | Should -Not -Contain 'Metrics'
        (Import-Csv -LiteralPath $csv)[1].'bench-3' | Should -BeNullOrEmpty

        $back = Import-Csv -LiteralPath $csv | Import-ObsModel | Sort-Object Name
        $back | Should -HaveCount $zoo.Count
        $back[0] | Should -BeOfType ObsScaling.PowerShell.Model.ObsModel
        $back[0].ReleaseDate | Should -Be '2026-03-14'
        $back[0].Organization | Should -Be 'Example Labs'
        $back[1].Scores.ContainsKey('bench-3') | Should -BeFalse
        $back[1].'bench-3' | Should -BeNullOrEmpty
        for ($i = 0; $i -lt $zoo.Count; $i++) {
            $back[$i].Name | Should -Be $zoo[$i].Name
            $back[$i].Family | Should -Be $zoo[$i].Family
            $back[$i].FlopsE21 | Should -Be $zoo[$i].FlopsE21
            $back[$i].ScoreCount | Should -Be $zoo[$i].ScoreCount
            foreach ($k in $zoo[$i].Scores.Keys) { $back[$i].Scores[$k] | Should -Be $zoo[$i].Scores[$k] }
        }

        $name = New-TestName 'flat'
        $null = Import-Csv -LiteralPath $csv | Import-ObsModel -Dataset $name
        $stored = Get-ObsModel $name | Sort-Object Name
        $stored[0].ReleaseDate | Should -Be '2026-03-14'
        $stored[0].Organization | Should -Be 'Example Labs'
        $stored[1].Scores.ContainsKey('bench-3') | Should -BeFalse
        $stored[2].Scores['downstream'] | Should -Be $zoo[2].Scores['downstream']
    }

    It 'refuses a flat row whose score is not a number, naming the column and the value' {
        $row = [pscustomobject]@{ Name = 'm1'; Family = 'f'; downstream = 'high' }
        $err = Get-ErrorRecord { $row | Import-ObsModel -ErrorAction Stop }
        "$err" | Should -Match 'downstream'
        "$err" | Should -Match 'high'
    }

    It 'loads beside another module''s Google.Protobuf (its dependencies in a load context of their own)' {
        $env:OBS_CONFLICTING_PROTOBUF | Should -Exist
        $script = {
            param($Conflicting)
            $ErrorActionPreference = 'Stop'
            # What another module shipping Protobuf 3.25.1 leaves in the default load context.
            $other = [System.Reflection.Assembly]::LoadFrom($Conflicting)
            $zoo = New-ObsSyntheticZoo -Seed 4 -Families 2 -ModelsPerFamily 2
            $dataset = $zoo | Import-ObsModel -Dataset isolated
            $back = Get-ObsModel isolated | Sort-Object Name
            "count=$($back.Count) added=$($dataset.ModelsAdded) same=$($back[0].Scores['downstream'] -eq ($zoo | Sort-Object Name)[0].Scores['downstream'])"
            [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Google.Protobuf' } |
                ForEach-Object { "protobuf=$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name)/$($_.GetName().Version)" } | Sort-Object
            "other=$($other.GetName().Version)"
        }
        $file = Join-Path $Work ((New-TestName 'isolation') + '.ps1')
        Set-Content -LiteralPath $file -Value $script.ToString()
        $run = Invoke-FreshPwsh -File $file, $env:OBS_CONFLICTING_PROTOBUF
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        $run.Output | Should -Contain 'count=4 added=4 same=True'
        $run.Output | Should -Contain 'protobuf=Default/3.25.1.0'
        $run.Output | Should -Contain 'protobuf=ObsScaling/3.36.2.0'
    }

    It 'imports the paper''s base-model CSV' -Skip:(-not $env:OBS_PAPER_DATA) {
        $name = New-TestName 'paper'
        $result = Import-ObsModel -Path (Join-Path $PaperData 'base_llm_benchmark_eval.csv') -Dataset $name
        $result.ModelCount | Should -BeGreaterThan 50
        (Get-ObsDataset $name).Metrics | Should -Contain 'MMLU'
    }

    It 'changes nothing under -WhatIf' {
        $name = New-TestName 'whatif'
        New-ObsSyntheticZoo -Seed 1 -Families 2 | Import-ObsModel -Dataset $name -WhatIf
        Get-ObsDataset | Where-Object Dataset -EQ $name | Should -BeNullOrEmpty
    }

    It 'reports a missing file as ObjectNotFound naming the path' {
        $missing = Join-Path $Work 'no-such-file.csv'
        $err = Get-ErrorRecord { Import-ObsModel -Path $missing -Dataset (New-TestName 'missing') -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$err" | Should -Match ([regex]::Escape('no-such-file.csv'))
    }
}

Describe 'Import-ObsModel help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Import-ObsModel -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Import-ObsModel | Should -BeNullOrEmpty
    }
}
