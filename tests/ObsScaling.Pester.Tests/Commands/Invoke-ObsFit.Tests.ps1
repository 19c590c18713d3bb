BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $data = New-TestDataset 'fit' -Families 6 -ModelsPerFamily 4
}

Describe 'Invoke-ObsFit' {
    It 'fits the downstream law on the smaller models and tests it on the held-out ones' {
        $law = New-TestFit $data
        $law.Target | Should -Be 'downstream'
        $law.Converged | Should -BeTrue
        $law.TrainCount + $law.TestCount | Should -Be 24
        $law.TestCount | Should -BeGreaterThan 0
        $law.TestMse | Should -BeLessThan 0.01
        $law.Formula | Should -Match 'σ'
    }

    It 'changes nothing under -WhatIf' {
        Invoke-ObsFit -Dataset $data.Name -Name 'whatif-law' -Target downstream -CapabilityMetric $data.Benchmarks -WhatIf
        Get-ObsFit $data.Name | Where-Object FitId -EQ 'whatif-law' | Should -BeNullOrEmpty
    }

    It 'comes out as JSON a script can read back' {
        $json = New-TestFit $data -Name 'json-law' | Select-Object FitId, Target, TrainMse, TestMse, Weights | ConvertTo-Json | ConvertFrom-Json
        $json.FitId | Should -Be 'json-law'
        $json.Weights.Count | Should -BeGreaterThan 0
    }

    It 'reports an unknown target as InvalidArgument naming the metric, with the fit as target object' {
        $err = Get-ErrorRecord { Invoke-ObsFit -Dataset $data.Name -Target no-such-metric -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.FullyQualifiedErrorId | Should -BeLike 'ObsInvalidArgument,*InvokeObsFit'
        "$err" | Should -Match 'no-such-metric'
    }

    # violations name the cmdlet parameter (-Target), not the proto path (spec.target).
    It 'names the -Target parameter in the error, once' {
        $err = Get-ErrorRecord { Invoke-ObsFit -Dataset $data.Name -Target no-such-metric -ErrorAction Stop }
        "$err" | Should -Match '-Target'
        "$err" | Should -Not -Match 'spec\.target'
        ([regex]::Matches("$err", 'no-such-metric')).Count | Should -Be 1
    }

    # a split parameter without -Split is refused or takes effect, never silently dropped.
    It 'does not drop -SplitThreshold given without -Split' {
        $law = Invoke-ObsFit -Dataset $data.Name -Name 'threshold-only' -Force -Target downstream -CapabilityMetric $data.Benchmarks `
            -SplitColumn 'FLOPs (1E21)' -SplitThreshold 30 -ErrorAction SilentlyContinue -ErrorVariable failed
        if (-not $failed) { $law.TestCount | Should -Be (New-TestFit $data -Name 'threshold-explicit').TestCount }
        else { "$($failed[0])" | Should -Match 'Split' }
    }

    It 'completes -Target with the dataset''s metrics' {
        Get-Completion "Invoke-ObsFit -Dataset $($data.Name) -Target bench-" | Should -Be ($data.Benchmarks | Sort-Object)
    }
}

Describe 'Invoke-ObsFit help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Invoke-ObsFit -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Invoke-ObsFit | Should -BeNullOrEmpty
    }
}
