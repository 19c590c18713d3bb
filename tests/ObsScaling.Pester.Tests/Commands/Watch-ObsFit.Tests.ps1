BeforeAll {
    . $PSScriptRoot/../Support/Common.ps1
    $data = New-TestDataset 'watch' -Families 6 -ModelsPerFamily 4
    $law = New-TestFit $data -Name 'watched'
}

Describe 'Watch-ObsFit' {
    It 'emits the current fits with -Initial' {
        $now = Watch-ObsFit $data.Name -Initial -Count 1
        $now.Fit | Should -Be $law.Fit
    }

    It 'streams a refit to a thread job when models are appended' {
        # The job's runspace reaches the same embedded server as this one: a user can watch in the background.
        $name = $data.Name
        $job = Start-ThreadJob { Watch-ObsFit $using:name -Count 1 }
        try {
            Start-Sleep -Milliseconds 1500
            $null = New-ObsSyntheticZoo -Seed 21 -Families 1 -ModelsPerFamily 3 | Import-ObsModel -Dataset $data.Name -Mode Append
            $job | Wait-Job -Timeout 60 | Should -Not -BeNullOrEmpty
            $refit = $job | Receive-Job
            $refit.Fit | Should -Be $law.Fit
            $refit.Reason | Should -Be 'refit'
        }
        finally {
            $job | Remove-Job -Force
        }
    }

    It 'refuses -Count 0, naming the parameter' {
        "$(Get-ErrorRecord { Watch-ObsFit $data.Name -Count 0 -ErrorAction Stop })" | Should -Match 'Count'
    }
}

Describe 'Watch-ObsFit help' {
    It 'has a synopsis, an example and a description for every parameter' {
        $help = Get-Help Watch-ObsFit -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-UndocumentedParameter Watch-ObsFit | Should -BeNullOrEmpty
    }
}
