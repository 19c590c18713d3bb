BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $data = New-TestDataset 'technique' -Families 6 -ModelsPerFamily 4
    $axis = $data.Benchmarks | Select-Object -First 6
}

Describe 'Compare-ObsTechnique' {
    It 'gives the gain of one metric over a baseline along reference-equivalent FLOPs' {
        $out = Compare-ObsTechnique $data.Name -Baseline bench-7 -Technique bench-8 -CapabilityMetric $axis -ReferenceFamily family-01 -Interval None -GridPoints 5
        $points = $out | Where-Object { $_.PSObject.TypeNames[0] -like '*ObsTechniquePoint' }
        $points | Should -Not -BeNullOrEmpty
        ($points | Group-Object Technique).Name | Should -Contain bench-8
        $points | ForEach-Object { $_.Flops | Should -BeGreaterThan 0 }
    }

    It 'reports an unknown baseline as InvalidArgument naming it' {
        $err = Get-ErrorRecord { Compare-ObsTechnique $data.Name -Baseline nope -Technique downstream -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err" | Should -Match 'nope'
    }

    It 'reproduces the paper''s chain-of-thought gain on BBH' -Skip:(-not $env:OBS_PAPER_DATA) {
        $name = New-TestName 'post'
        $null = Import-ObsModel -Path (Join-Path $PaperData 'base_llm_benchmark_eval.csv'), (Join-Path $PaperData 'base_llm_post_training_eval.csv') -Join |
            Import-ObsModel -Dataset $name
        $out = Compare-ObsTechnique $name -Baseline 'bbh_fewshot_overall_3_exact_match,flexible-extract' -Technique 'bbh_cot_fewshot_overall_3_exact_match,flexible-extract' `
            -CapabilityMetric MMLU, ARC-C, HellaSwag, Winograd, TruthfulQA, XWinograd, HumanEval -ReferenceFamily Llama-2 -Interval None
        @($out | Where-Object { $_.PSObject.TypeNames[0] -like '*ObsTechniqueCrossing' }) | Should -Not -BeNullOrEmpty
    }
}

Describe 'Compare-ObsTechnique help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Compare-ObsTechnique -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Compare-ObsTechnique | Should -BeNullOrEmpty
    }
}
