BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $data = New-TestDataset 'decompose' -Families 6 -ModelsPerFamily 4
}

Describe 'Invoke-ObsDecomposition' {
    It 'gives a capability space whose explained-variance ratios sum to one' {
        $space = Invoke-ObsDecomposition -Dataset $data.Name -Metric $data.Benchmarks -SpaceOnly
        $space.ModelCount | Should -Be 24
        # The kept components carry nearly all of a low-rank zoo's variance, and never more than all of it.
        $sum = ($space.ExplainedVarianceRatio | Measure-Object -Sum).Sum
        $sum | Should -BeGreaterThan 0.99
        $sum | Should -BeLessOrEqual (1 + 1e-9)
        $space.ExplainedVarianceRatio[0] | Should -BeGreaterThan $space.ExplainedVarianceRatio[1]
    }

    It 'scores every model; Sort-Object by PC1 puts a family''s larger models higher' {
        # The space comes first, then one score row per model.
        $scores = Invoke-ObsDecomposition -Dataset $data.Name -Metric $data.Benchmarks | Where-Object Model
        $scores | Should -HaveCount 24
        $family = $scores | Where-Object Family -EQ 'family-03' | Sort-Object FlopsE21
        ($family | Select-Object -Last 1).PC1 | Should -BeGreaterThan ($family | Select-Object -First 1).PC1
        $top = $scores | Sort-Object PC1 -Descending | Select-Object -First 3 -Property Model, Family, PC1
        $top | Should -HaveCount 3
        $top[0].PC1 | Should -BeGreaterOrEqual $top[2].PC1
    }

    It 'groups scores by family with Group-Object and Measure-Object' {
        $byFamily = Invoke-ObsDecomposition -Dataset $data.Name -Metric $data.Benchmarks | Where-Object Model | Group-Object Family
        $byFamily | Should -HaveCount 6
        foreach ($g in $byFamily) { ($g.Group | Measure-Object PC1 -Average).Average | Should -BeOfType [double] }
    }

    It 'binds -Dataset from Get-ObsDataset output' {
        (Get-ObsDataset $data.Name | Invoke-ObsDecomposition -SpaceOnly -Metric $data.Benchmarks).Dataset | Should -Be $data.Name
    }

    It 'refuses -Components 0 before calling the server, naming the parameter' {
        $err = Get-ErrorRecord { Invoke-ObsDecomposition -Dataset $data.Name -Components 0 -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        "$err" | Should -Match 'Components'
    }

    It 'places every model on the item-response scale with -CapabilityModel Irt, larger models higher' {
        $all = Invoke-ObsDecomposition -Dataset $data.Name -Metric $data.Benchmarks -CapabilityModel Irt
        $space = $all | Where-Object { $_ -is [ObsScaling.PowerShell.Model.ObsCapabilitySpace] }
        $space.CapabilityModel | Should -Be 'Irt'
        $space.Benchmarks | Should -HaveCount $data.Benchmarks.Count
        @($space.Benchmarks | Where-Object Anchor) | Should -HaveCount 1
        $space.IrtFamilies | Should -Not -BeNullOrEmpty
        $models = $all | Where-Object Model
        $models | Should -HaveCount 24
        $models | ForEach-Object { $_.Capability | Should -BeOfType [double]; $_.CapabilityStandardError | Should -BeGreaterThan 0 }
        $family = $models | Where-Object Family -EQ 'family-03' | Sort-Object FlopsE21
        ($family | Select-Object -Last 1).Capability | Should -BeGreaterThan ($family | Select-Object -First 1).Capability
        # Without Irt the capability is not set (null), never 0.
        (Invoke-ObsDecomposition -Dataset $data.Name -Metric $data.Benchmarks | Where-Object Model | Select-Object -First 1).Capability | Should -BeNullOrEmpty
    }

    It 'anchors the scale on -IrtAnchorBenchmark, which implies Irt' {
        $anchor = $data.Benchmarks[1]
        $space = Invoke-ObsDecomposition -Dataset $data.Name -Metric $data.Benchmarks -IrtAnchorBenchmark $anchor -SpaceOnly
        $item = $space.Benchmarks | Where-Object Anchor
        $item.Benchmark | Should -Be $anchor
        $item.Difficulty | Should -Be 0
        $item.Slope | Should -Be 1
    }

    It 'refuses an -Irt* parameter with -CapabilityModel Pca, and names an unknown anchor with near misses' {
        $err = Get-ErrorRecord { Invoke-ObsDecomposition -Dataset $data.Name -CapabilityModel Pca -IrtRidge 0.1 -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'IrtRidge'
        $err = Get-ErrorRecord { Invoke-ObsDecomposition -Dataset $data.Name -Metric $data.Benchmarks -IrtAnchorBenchmark ($data.Benchmarks[0] + 'x') -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err" | Should -Match '-IrtAnchorBenchmark'
        "$err" | Should -Match ([regex]::Escape($data.Benchmarks[0]))
    }

    It 'completes -Dataset names from the server' {
        Get-Completion "Invoke-ObsDecomposition -Dataset $($data.Name.Substring(0, 12))" | Should -Contain $data.Name
    }
}

Describe 'Invoke-ObsDecomposition help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Invoke-ObsDecomposition -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Invoke-ObsDecomposition | Should -BeNullOrEmpty
    }
}
