BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $data = New-TestDataset 'plot' -Families 6 -ModelsPerFamily 4
    $law = New-TestFit $data
}

Describe 'Export-ObsPlot' {
    It 'writes a PNG of a law piped in' {
        $path = Join-Path $Work ((New-TestName 'curve') + '.png')
        $file = $law | Export-ObsPlot ScalingCurve $path
        $file.FullName | Should -Be $path
        $bytes = [System.IO.File]::ReadAllBytes($path)
        $bytes[1..3] | Should -Be ([byte][char]'P'), ([byte][char]'N'), ([byte][char]'G')
    }

    It 'writes an SVG of the explained variance of a decomposition' {
        $path = Join-Path $Work ((New-TestName 'variance') + '.svg')
        $null = Invoke-ObsDecomposition -Dataset $data.Name -Metric $data.Benchmarks -SpaceOnly | Export-ObsPlot ExplainedVariance $path -Format Svg
        Get-Content -LiteralPath $path -Raw | Should -Match '<svg'
    }

    It 'draws an item-response space piped in: FamilyEfficiency of the capability C, and the benchmark items' {
        $space = Invoke-ObsDecomposition -Dataset $data.Name -Metric $data.Benchmarks -CapabilityModel Irt -SpaceOnly
        $efficiency = Join-Path $Work ((New-TestName 'irt-efficiency') + '.svg')
        $null = $space | Export-ObsPlot FamilyEfficiency $efficiency
        Get-Content -LiteralPath $efficiency -Raw | Should -Match 'IRT capability C'
        $items = Join-Path $Work ((New-TestName 'items') + '.svg')
        $null = $space | Export-ObsPlot BenchmarkItems $items
        $svg = Get-Content -LiteralPath $items -Raw
        $svg | Should -Match 'capability C'
        foreach ($b in $space.Benchmarks) { $svg | Should -Match ([regex]::Escape("$($b.Benchmark) (D=")) }
    }

    It 'writes nothing under -WhatIf' {
        $path = Join-Path $Work ((New-TestName 'whatif') + '.png')
        Export-ObsPlot Loadings $path -Dataset $data.Name -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'refuses an unknown -Kind, listing the kinds' {
        $err = Get-ErrorRecord { Export-ObsPlot -Kind Histogram -Path (Join-Path $Work 'x.png') -Dataset $data.Name -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.FullyQualifiedErrorId | Should -BeLike '*,ObsScaling.PowerShell.Cmdlets.ExportObsPlot'
        "$err" | Should -Match 'ScalingCurve'
    }
}

Describe 'Export-ObsPlot help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Export-ObsPlot -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Export-ObsPlot | Should -BeNullOrEmpty
    }
}
