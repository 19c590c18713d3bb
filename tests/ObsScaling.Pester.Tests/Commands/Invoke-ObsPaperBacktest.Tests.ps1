BeforeAll { . $PSScriptRoot/../Support/Common.ps1 }

Describe 'Invoke-ObsPaperBacktest' {
    It 'runs the paper''s agent analysis: PC law beats compute-only laws' -Skip:(-not $env:OBS_PAPER_DATA) {
        $rows = Invoke-ObsPaperBacktest Agents -Data $PaperData
        $rows | Should -Not -BeNullOrEmpty
        $best = $rows | Where-Object Best
        $best | Should -Not -BeNullOrEmpty
        ($rows | Group-Object Target).Count | Should -BeGreaterThan 0
    }

    It 'reports a folder without the paper''s files as ObjectNotFound naming the folder' {
        $missing = Join-Path $Work 'no-paper-data-here'
        $err = Get-ErrorRecord { Invoke-ObsPaperBacktest Agents -Data $missing -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$err" | Should -Match 'no-paper-data-here'
    }

    It 'refuses an unknown analysis, listing the three' {
        "$(Get-ErrorRecord { Invoke-ObsPaperBacktest Emergence -Data $Work -ErrorAction Stop })" | Should -Match 'PostTraining'
    }
}

Describe 'Invoke-ObsPaperBacktest help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Invoke-ObsPaperBacktest -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Invoke-ObsPaperBacktest | Should -BeNullOrEmpty
    }
}
