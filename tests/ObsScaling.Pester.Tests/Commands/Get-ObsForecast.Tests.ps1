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
