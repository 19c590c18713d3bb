using System.Text.Json;

namespace ObsScaling.Shell.Tests;

public class ShellProcessTests
{
    [Fact]
    public void Command_renders_objects_as_a_table_and_exits_zero()
    {
        var (code, output, error) = ObsProcess.Run(["-Command", "[pscustomobject]@{Name='alpha'; Value=1.5}; [pscustomobject]@{Name='beta'; Value=0.000123456789}"]);

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        Assert.Matches(@"^Name\s+Value$", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^alpha\s+1\.50$"));
        // PowerShell's own table formatting (pwsh 7.6 prints this column with two decimals), invariant culture.
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^beta\s+0\.00$"));
    }

    [Fact]
    public void Command_text_may_span_several_arguments_and_engine_types_get_their_usual_columns()
    {
        var (code, output, _) = ObsProcess.Run(["-c", "Get-Command", "Get-Help"]);

        Assert.Equal(0, code);
        Assert.Matches(@"CommandType\s+Name\s+Version\s+Source", output);
        Assert.Matches(@"Cmdlet\s+Get-Help\s+\S+\s+Microsoft\.PowerShell\.Core", output);
    }

    [Fact]
    public void Json_output_is_an_array_that_round_trips_doubles_and_writes_nan_as_a_string()
    {
        var (code, output, _) = ObsProcess.Run(["-OutputFormat", "Json", "-Command",
            "[pscustomobject]@{Name='a'; Value=0.1; Tiny=1.2345678901234567e-300; Bad=[double]::NaN; List=1,2; Inner=[pscustomobject]@{X=2}}; 'plain'"]);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var items = json.RootElement;
        Assert.Equal(JsonValueKind.Array, items.ValueKind);
        Assert.Equal(2, items.GetArrayLength());
        var first = items[0];
        Assert.Equal("a", first.GetProperty("Name").GetString());
        Assert.Equal(0.1, first.GetProperty("Value").GetDouble());
        Assert.Equal(1.2345678901234567e-300, first.GetProperty("Tiny").GetDouble());
        Assert.Equal("NaN", first.GetProperty("Bad").GetString());
        Assert.Equal([1, 2], first.GetProperty("List").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(2, first.GetProperty("Inner").GetProperty("X").GetInt32());
        Assert.Equal("plain", items[1].GetString());
    }

    [Fact]
    public void File_binds_named_switch_and_positional_arguments_and_sets_PSScriptRoot()
    {
        var script = Path.Combine(ObsProcess.ScriptsDirectory, "args.ps1");

        var named = ObsProcess.Run(["-o", "json", "-File", script, "-Name", "gpt", "-Loud", "-Count:3", "extra"]);
        var positional = ObsProcess.Run(["-o", "json", "-File", script, "llama", "7"]);

        Assert.Equal(0, named.ExitCode);
        var n = JsonDocument.Parse(named.Out).RootElement[0];
        Assert.Equal("gpt", n.GetProperty("Name").GetString());
        Assert.Equal(3, n.GetProperty("Count").GetInt32());
        Assert.True(n.GetProperty("Loud").GetBoolean());
        Assert.Equal(1, n.GetProperty("Rest").GetInt32());
        Assert.Equal(ObsProcess.ScriptsDirectory, n.GetProperty("Root").GetString());

        Assert.Equal(0, positional.ExitCode);
        var p = JsonDocument.Parse(positional.Out).RootElement[0];
        Assert.Equal("llama", p.GetProperty("Name").GetString());
        Assert.Equal(7, p.GetProperty("Count").GetInt32());
        Assert.False(p.GetProperty("Loud").GetBoolean());
    }

    [Fact]
    public void A_script_argument_that_looks_like_code_stays_a_string()
    {
        var script = Path.Combine(ObsProcess.ScriptsDirectory, "args.ps1");

        var (code, output, _) = ObsProcess.Run(["-o", "json", "-File", script, "$(exit 9)"]);

        Assert.Equal(0, code);
        Assert.Equal("$(exit 9)", JsonDocument.Parse(output).RootElement[0].GetProperty("Name").GetString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Exit_statement_in_a_file_sets_the_process_exit_code(int exitCode)
    {
        var (code, output, _) = ObsProcess.Run(["-File", Path.Combine(ObsProcess.ScriptsDirectory, "exit.ps1"), exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.Equal(exitCode, code);
        Assert.Contains("before exit", output, StringComparison.Ordinal);
        Assert.DoesNotContain("never written", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Exit_statement_in_a_command_sets_the_process_exit_code()
    {
        Assert.Equal(4, ObsProcess.Run(["-Command", "'x'; exit 4; 'y'"]).ExitCode);
    }

    [Fact]
    public void A_handled_native_failure_inside_a_file_does_not_fail_the_run()
    {
        var (code, output, _) = ObsProcess.Run(["-File", Path.Combine(ObsProcess.ScriptsDirectory, "native-fails.ps1")]);

        Assert.Equal(0, code);
        Assert.Matches(@"handled [1-9]\d*", output);
    }

    [Fact]
    public void A_terminating_error_exits_one_and_is_rendered_with_its_category_and_position()
    {
        var (code, output, error) = ObsProcess.Run(["-File", Path.Combine(ObsProcess.ScriptsDirectory, "throws.ps1")]);

        Assert.Equal(1, code);
        Assert.Contains("started", output, StringComparison.Ordinal);
        // pwsh's ConciseView: the category and position on one line, the message below the quoted line.
        Assert.Contains("OperationStopped:", error, StringComparison.Ordinal);
        Assert.Contains("bad fit request", error, StringComparison.Ordinal);
        Assert.Contains("throws.ps1:2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_terminating_error_is_printed_but_the_run_succeeds()
    {
        var (code, output, error) = ObsProcess.Run(["-c", "Get-Command no-such-command; 'after'"]);

        Assert.Equal(0, code);
        Assert.Contains("after", output, StringComparison.Ordinal);
        Assert.Contains("Get-Command: The term 'no-such-command' is not recognized", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorAction_Stop_turns_an_error_into_a_failure()
    {
        var (code, output, error) = ObsProcess.Run(["-c", "Get-Command no-such-command -ErrorAction Stop; 'after'"]);

        Assert.Equal(1, code);
        Assert.DoesNotContain("after", output, StringComparison.Ordinal);
        Assert.Contains("The term 'no-such-command' is not recognized", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_syntax_error_is_a_failure()
    {
        var (code, _, error) = ObsProcess.Run(["-c", "if ("]);

        Assert.Equal(1, code);
        Assert.Contains("ParserError:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Interactive_mode_reads_statements_until_exit()
    {
        var (code, output, _) = ObsProcess.Run([], stdin: "1+1\nif ($true) {\n'multi' + 'line'\n}\nexit 5\n'not run'\n");

        Assert.Equal(5, code);
        Assert.Matches(@"> 2\r?\n", output);
        Assert.Contains("multiline", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not run", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Interactive_mode_survives_a_failing_statement_and_exits_with_the_last_statements_code()
    {
        var (code, output, error) = ObsProcess.Run([], stdin: "throw 'oops'\n'still here'\nthrow 'again'\n");

        Assert.Equal(1, code);
        Assert.Contains("still here", output, StringComparison.Ordinal);
        Assert.Contains("oops", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Modules_from_the_environment_variable_are_imported_and_a_missing_one_only_warns()
    {
        var folder = Directory.CreateTempSubdirectory("obs-module-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "Fake.psm1"), "function Get-FakeFit { [pscustomobject]@{ Law = 'sigmoid'; Mse = 0.00082 } }\n");
            File.WriteAllText(Path.Combine(folder.FullName, "Fake.psd1"), "@{ RootModule = 'Fake.psm1'; ModuleVersion = '1.0.0'; FunctionsToExport = @('Get-FakeFit') }\n");
            var missing = Path.Combine(folder.FullName, "Missing.psd1");

            var (code, output, error) = ObsProcess.Run(["-c", "Get-FakeFit"], environment: new Dictionary<string, string?>
            {
                ["OBSSCALING_MODULE"] = folder.FullName + Path.PathSeparator + missing,
            });

            Assert.Equal(0, code);
            Assert.Matches(@"sigmoid\s+0\.00", output);
            Assert.Contains("Missing.psd1 was not loaded", error, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
