using System.Text.Json;

namespace ObsScaling.Shell.Tests;

/// <summary>obs against what pwsh does: exit codes, the built-in cmdlets, redirected output, help.</summary>
public class PwshParityTests
{
    [Theory]
    [InlineData("no-such-command", 1)]
    [InlineData("Get-Date | Out-Null; Get-Command no-such-command", 1)]
    [InlineData("Get-Date -Year abc", 1)]
    [InlineData("throw 'x'", 1)]
    [InlineData("exit 3", 3)]
    [InlineData("'x'; exit 300", 44)]
    [InlineData("& dotnet --no-such-option 2>$null | Out-Null", 1)]
    [InlineData("& dotnet --no-such-option 2>$null | Out-Null; \"native $LASTEXITCODE\"", 0)]
    [InlineData("$LASTEXITCODE = 3", 0)]
    [InlineData("Write-Error oops; 'after'", 0)]
    [InlineData("1 # a trailing comment", 0)]
    public void Command_exit_codes_are_pwshs(string command, int expected)
    {
        var (code, output, error) = ObsProcess.Run(["-Command", command]);

        Assert.True(expected == code, $"exit {code}, expected {expected}\n{output}\n{error}");
    }

    [Fact]
    public void A_file_whose_last_statement_fails_exits_zero_as_pwsh_File_does()
    {
        var (code, _, error) = ObsProcess.Run(["-File", Path.Combine(ObsProcess.ScriptsDirectory, "last-fails.ps1")]);

        Assert.Equal(0, code);
        Assert.Contains("no-such-command", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Built_in_cmdlets_work_in_pipelines()
    {
        const string Script = """
            $rows = 1..6 | ForEach-Object { [pscustomobject]@{ Family = ('a', 'b')[$_ % 2]; Flops = $_ * 1.5 } }
            $csv = Join-Path ([IO.Path]::GetTempPath()) ("obs-" + [guid]::NewGuid() + ".csv")
            $rows | Export-Csv -Path $csv -NoTypeInformation
            $back = Import-Csv $csv
            Remove-Item $csv
            Set-Location $PSHOME
            [pscustomobject]@{
                Top = ($rows | Sort-Object Flops -Descending | Select-Object -First 1).Flops
                Groups = ($rows | Group-Object Family | ForEach-Object { "$($_.Name)=$($_.Count)" }) -join ','
                Sum = ($rows | Measure-Object Flops -Sum).Sum
                RoundTrip = ($back | ForEach-Object { "$($_.Family):$($_.Flops)" }) -join ','
                Removed = -not (Test-Path $csv)
                Location = (Get-Location).Path -eq $PSHOME
                Listed = ([pscustomobject]@{ Law = 'sigmoid' } | Format-List | Out-String).Trim()
            } | ConvertTo-Json -Compress | Write-Output
            """;

        var (code, output, error) = ObsProcess.Run(["-Command", Script]);

        Assert.True(code == 0, error);
        var result = JsonDocument.Parse(output).RootElement;
        Assert.Equal(9, result.GetProperty("Top").GetDouble());
        Assert.Equal("a=3,b=3", result.GetProperty("Groups").GetString());
        Assert.Equal(31.5, result.GetProperty("Sum").GetDouble());
        Assert.Equal("b:1.5,a:3,b:4.5,a:6,b:7.5,a:9", result.GetProperty("RoundTrip").GetString());
        Assert.True(result.GetProperty("Removed").GetBoolean());
        Assert.True(result.GetProperty("Location").GetBoolean());
        Assert.Equal("Law : sigmoid", result.GetProperty("Listed").GetString());
    }

    [Fact]
    public void Json_output_is_what_ConvertTo_Json_writes_and_an_empty_pipeline_is_an_empty_array()
    {
        var (_, json, _) = ObsProcess.Run(["-OutputFormat", "Json", "-Command", "[pscustomobject]@{ A = 1; B = [pscustomobject]@{ C = 'x' } }"]);
        var (_, pwshJson, _) = ObsProcess.Run(["-Command", "[pscustomobject]@{ A = 1; B = [pscustomobject]@{ C = 'x' } } | ConvertTo-Json -AsArray -Depth 5"]);
        var (_, empty, _) = ObsProcess.Run(["-OutputFormat", "Json", "-Command", "$null = 1"]);

        Assert.Equal(pwshJson, json);
        Assert.Equal("[]", empty.Trim());
    }

    [Fact]
    public void Redirected_output_and_errors_carry_no_escape_sequences_and_no_carriage_returns()
    {
        const string Script = """
            Write-Progress -Activity Work -Status step -PercentComplete 50
            Write-Warning careful
            Write-Error oops
            "$([char]27)[31mred$([char]27)[0m"
            Write-Host -ForegroundColor Green green
            Get-Date | Format-Table | Out-Null
            Write-Progress -Activity Work -Completed
            'end'
            """;

        var (code, output, error) = ObsProcess.Run(["-Command", Script]);

        Assert.Equal(0, code);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u001b', error);
        Assert.DoesNotContain('\r', output);
        Assert.DoesNotContain('\r', error);
        Assert.Equal(["red", "green", "end"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("WARNING: careful", error, StringComparison.Ordinal);
        Assert.Contains("oops", error, StringComparison.Ordinal);
        // A quick activity leaves no trace in a log.
        Assert.DoesNotContain("Work", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_activity_is_logged_as_plain_lines_on_stderr()
    {
        var (code, output, error) = ObsProcess.Run(["-Command",
            "Write-Progress -Activity Long -Status working; Start-Sleep -Milliseconds 2300; Write-Progress -Activity Long -Status working; Write-Progress -Activity Long -Completed; 'out'"]);

        Assert.Equal(0, code);
        Assert.Equal("out", output.Trim());
        Assert.Equal(["Long: working", "Long: done"], error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void NO_COLOR_turns_PSStyle_rendering_to_plain_text()
    {
        var (_, output, _) = ObsProcess.Run(["-Command", "$PSStyle.OutputRendering"], environment: new Dictionary<string, string?> { ["NO_COLOR"] = "1" });

        Assert.Equal("PlainText", output.Trim());
    }

    [Fact]
    public void Get_Help_prints_the_help_text_of_a_module_cmdlet_and_of_a_built_in_one()
    {
        // Each through Out-String: as in pwsh, objects of another type after the first one in a single
        // pipeline's output are formatted out of band (as lists), not with their own views.
        var (code, output, error) = ObsProcess.Run(["-Command", "Get-Help Invoke-ObsFit | Out-String; Get-Help Invoke-ObsFit -Parameter Target | Out-String; Get-Help Sort-Object | Out-String"]);

        Assert.True(code == 0, error);
        Assert.Contains("SYNOPSIS", output, StringComparison.Ordinal);
        Assert.Contains("Fits an observational scaling law", output, StringComparison.Ordinal);
        Assert.Matches(@"Invoke-ObsFit \[-Dataset\] <String>", output);
        Assert.Contains("-Target <String>", output, StringComparison.Ordinal);
        Assert.Matches(@"Sort-Object \[\[-Property\] <Object\[\]>\]", output);
        Assert.DoesNotContain("relatedLinks", output, StringComparison.Ordinal);
    }
}
