BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $data = New-TestDataset 'forecast' -Families 6 -ModelsPerFamily 4
    $law = New-TestFit $data
}

Describe 'Get-ObsForecast' {
    It 'forecasts the held-out models from a law piped in' {
        $forecasts = $law | Get-ObsForecast
        $forecasts | Should -HaveCount $law.TestCount
        $forecasts.Model | Sort-Object | Should -Be ($law.TestModels | Sort-Object)
        $forecasts | ForEach-Object { $_.PredictedRaw | Should -BeGreaterThan 0 }
    }

    It 'forecasts models piped in, close to what they scored' {
        $held = $data.Zoo | Where-Object Name -In $law.TestModels
        $forecasts = $held | Get-ObsForecast -Fit $law.Fit
        $actual = @{}; $held | ForEach-Object { $actual[$_.Name] = $_.Scores['downstream'] }
        $mse = ($forecasts | ForEach-Object { [math]::Pow($_.PredictedRaw - $actual[$_.Model], 2) } | Measure-Object -Average).Average
        $mse | Should -BeLessThan 0.01
    }

    It 'round-trips through Export-Csv and Import-Csv with the numbers intact' {
        $csv = Join-Path $Work ((New-TestName 'forecasts') + '.csv')
        $forecasts = $law | Get-ObsForecast
        $forecasts | Select-Object Model, PredictedRaw, EquivalentFlopsE21 | Export-Csv -LiteralPath $csv -NoTypeInformation
        $back = Import-Csv -LiteralPath $csv
        $back | Should -HaveCount $forecasts.Count
        [math]::Abs(([double]$back[0].PredictedRaw) - ($forecasts[0].PredictedRaw)) | Should -BeLessThan 1e-12
    }

    # forecasts carry the model's Family, so Group-Object Family makes one group per family.
    It 'groups forecasts by family' {
        $groups = $law | Get-ObsForecast | Group-Object Family
        $groups.Count | Should -BeGreaterThan 1
        $groups.Name | Should -Not -Contain ''
    }

    # the flat form of a forecast exports without .NET type names.
    It 'exports whole forecasts to CSV without type names' {
        $csv = Join-Path $Work ((New-TestName 'flat') + '.csv')
        $law | Get-ObsForecast | Export-Csv -LiteralPath $csv -NoTypeInformation
        Get-Content -LiteralPath $csv -Raw | Should -Not -Match 'System\.'
    }

    # the flat form: the predictor values as Predictor1..k, the interval as Lower/Upper (LowerRaw/UpperRaw), and
    # Import-Csv's rows convert back to forecasts with every number as it was.
    It 'round-trips whole forecasts, predictors and intervals included, through Export-Csv and Import-Csv' {
        $ranged = Invoke-ObsFit -Dataset $data.Name -Name ranged -Force -Target downstream -CapabilityMetric $data.Benchmarks `
            -Split Cutoff -SplitColumn 'FLOPs (1E21)' -SplitThreshold 30 -ReferenceFamily family-01 -PcaComponents 3 -Interval Parametric
        $forecasts = @($ranged | Get-ObsForecast)
        $forecasts[0].Predictors | Should -HaveCount 3
        $csv = Join-Path $Work ((New-TestName 'whole') + '.csv')
        $forecasts | Export-Csv -LiteralPath $csv
        $text = Get-Content -LiteralPath $csv -Raw
        $text | Should -Not -Match 'System\.'
        $header = (Get-Content -LiteralPath $csv -TotalCount 1) -split ',' | ForEach-Object { $_.Trim('"') }
        $header | Should -Contain 'Predictor1'
        $header | Should -Contain 'Predictor3'
        $header | Should -Not -Contain 'Predictor4'
        $header | Should -Not -Contain 'Predictors'
        $header | Should -Contain 'Lower'
        $header | Should -Contain 'UpperRaw'

        $back = @(Import-Csv -LiteralPath $csv | ForEach-Object { [ObsScaling.PowerShell.Model.ObsForecast]$_ })
        $back | Should -HaveCount $forecasts.Count
        for ($i = 0; $i -lt $forecasts.Count; $i++) {
            $a = $forecasts[$i]; $b = $back[$i]
            $b | Should -BeOfType ObsScaling.PowerShell.Model.ObsForecast
            $b.Model | Should -Be $a.Model
            $b.Fit | Should -Be $a.Fit
            $b.Family | Should -Be $a.Family
            $b.Sequence | Should -Be $a.Sequence
            foreach ($p in 'Predicted', 'PredictedRaw', 'Capability', 'EquivalentLog10FlopsE21', 'Lower', 'Upper', 'LowerRaw', 'UpperRaw') {
                $a.$p | Should -Not -BeNullOrEmpty
                $b.$p | Should -Be $a.$p -Because $p
            }
            $b.EquivalentFlopsE21 | Should -Be $a.EquivalentFlopsE21
            $b.Forecast | Should -BeNullOrEmpty
            @($b.Predictors) | Should -Be @($a.Predictors)
        }
    }

    It 'reads the joined form of the predictors and refuses an unknown column or a bad number, naming them' {
        $row = [pscustomobject]@{ Model = 'm1'; Predicted = '0.5'; Predictors = '0.25;-1.5' }
        $f = [ObsScaling.PowerShell.Model.ObsForecast]$row
        @($f.Predictors) | Should -Be @(0.25, -1.5)
        $f.Predictor2 | Should -Be -1.5
        $err = Get-ErrorRecord { [ObsScaling.PowerShell.Model.ObsForecast][pscustomobject]@{ Model = 'm1'; Predicton = 'x7' } }
        "$err" | Should -Match "Predicton"
        $err = Get-ErrorRecord { [ObsScaling.PowerShell.Model.ObsForecast][pscustomobject]@{ Model = 'm1'; PredictedRaw = 'high' } }
        "$err" | Should -Match 'PredictedRaw'
        "$err" | Should -Match 'high'
        $err = Get-ErrorRecord { [ObsScaling.PowerShell.Model.ObsForecast][ordered]@{ Model = 'm1'; Predictor1 = '1'; Predictor3 = '3' } }
        "$err" | Should -Match 'Predictor2'
        $err = Get-ErrorRecord { [ObsScaling.PowerShell.Model.ObsForecast][ordered]@{ Model = 'm1'; EquivalentLog10FlopsE21 = '2'; EquivalentFlopsE21 = '5' } }
        "$err" | Should -Match 'EquivalentFlopsE21'
    }

    It 'reports an unknown fit as ObjectNotFound naming it' {
        $err = Get-ErrorRecord { Get-ObsForecast -Fit "datasets/$($data.Name)/fits/no-such-fit" -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$err" | Should -Match 'no-such-fit'
    }

    It 'runs examples/paper-agents.ps1 under pwsh: the paper''s AgentBench forecast' -Skip:(-not $env:OBS_PAPER_DATA) {
        $text = & (Join-Path $RepositoryRoot 'examples' 'paper-agents.ps1') -Data $PaperData | Out-String -Width 160
        $text | Should -Match 'gpt-4-0613'
        $text | Should -Match 'claude-2'
    }
}

Describe 'Get-ObsForecast help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Get-ObsForecast -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Get-ObsForecast | Should -BeNullOrEmpty
    }

    # switches show as [-Record] in the syntax, not -Record <SwitchParameter>.
    It 'shows switches without a value type in the syntax' {
        Get-Help Get-ObsForecast | Out-String -Width 300 | Should -Not -Match '<SwitchParameter>'
    }
}
