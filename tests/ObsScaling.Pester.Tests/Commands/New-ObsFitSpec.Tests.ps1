BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $data = New-TestDataset 'spec' -Families 6 -ModelsPerFamily 4
}

Describe 'New-ObsFitSpec' {
    It 'builds a spec from the parameters given, leaving the rest unset' {
        $spec = New-ObsFitSpec -Target downstream -Split Cutoff -SplitColumn 'FLOPs (1E21)' -SplitThreshold 30
        $spec.Target | Should -Be 'downstream'
        $spec.Split | Should -Be 'Cutoff'
        $spec.SplitThreshold | Should -Be 30
        $spec.Interval | Should -BeNullOrEmpty
    }

    It 'fits through the pipeline exactly as the same parameters given to Invoke-ObsFit' {
        $spec = New-ObsFitSpec -Target downstream -CapabilityMetric $data.Benchmarks -Split Cutoff -SplitColumn 'FLOPs (1E21)' -SplitThreshold 30 -ReferenceFamily family-01
        $piped = $spec | Invoke-ObsFit -Dataset $data.Name -Name 'spec-piped' -Force
        $direct = New-TestFit $data -Name 'spec-direct'
        $piped.TestCount | Should -Be $direct.TestCount
        $piped.TestMse | Should -Be $direct.TestMse
    }

    It 'lets a parameter given on the command line override the spec' {
        $spec = New-ObsFitSpec -Target downstream -CapabilityMetric $data.Benchmarks -Split Cutoff -SplitColumn 'FLOPs (1E21)' -SplitThreshold 30
        $law = Invoke-ObsFit -Dataset $data.Name -Name 'spec-override' -Force -Spec $spec -SplitThreshold 5
        $law.TestCount | Should -BeGreaterThan (New-TestFit $data -Name 'spec-base').TestCount
    }

    It 'refuses a split parameter that cannot take effect, naming it' {
        $err = Get-ErrorRecord { New-ObsFitSpec -Target downstream -SplitFraction 0.3 -ErrorAction Stop }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err" | Should -Match 'SplitFraction'
    }

    It 'round-trips through JSON' {
        $json = New-ObsFitSpec -Target downstream -Interval FamilyBootstrap -IntervalLevel 0.9 | ConvertTo-Json | ConvertFrom-Json
        $json.Target | Should -Be 'downstream'
        $json.IntervalLevel | Should -Be 0.9
    }
}

Describe 'New-ObsFitSpec help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help New-ObsFitSpec -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter New-ObsFitSpec | Should -BeNullOrEmpty
    }
}
