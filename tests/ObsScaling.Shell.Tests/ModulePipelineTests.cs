using System.Text.Json;

namespace ObsScaling.Shell.Tests;

/// <summary>
/// obs as users run it: the ObsScaling module shipped beside it, the embedded server started on demand, and the
/// README's main job. Each test gets its own database file.
/// </summary>
public sealed class ModulePipelineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("obs-shell-").FullName;

    private Dictionary<string, string?> Environment => new() { ["OBSSCALING_DATABASE"] = Path.Combine(_directory, "obs.db") };

    [Fact]
    public void The_quickstart_runs_end_to_end_with_no_setup()
    {
        var quickstart = Path.Combine(RepositoryRoot(), "examples", "quickstart.ps1");
        var (exit, stdout, stderr) = ObsProcess.Run(["-File", quickstart], environment: Environment);
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("Capability space: PC-1 explains", stdout, StringComparison.Ordinal);
        Assert.Contains("held-out models", stdout, StringComparison.Ordinal);
        Assert.Contains("inside their 90% family-bootstrap interval", stdout, StringComparison.Ordinal);
        Assert.Contains("family-", stdout, StringComparison.Ordinal);
        Assert.Contains("ln FLOPs", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Module_objects_come_out_as_json_for_scripts()
    {
        var (exit, stdout, stderr) = ObsProcess.Run(
            ["-OutputFormat", "Json", "-Command", "New-ObsSyntheticZoo -Seed 4 -Families 3 -ModelsPerFamily 2 | Import-ObsModel -Dataset js | Invoke-ObsDecomposition -SpaceOnly -Metric bench-1,bench-2,bench-3,bench-4"],
            environment: Environment);
        Assert.True(exit == 0, $"exit {exit}\n{stderr}");
        using var doc = JsonDocument.Parse(stdout);
        var space = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal("js", space.GetProperty("Dataset").GetString());
        Assert.Equal(6, space.GetProperty("ModelCount").GetInt32());
        var ratio = space.GetProperty("ExplainedVarianceRatio").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.InRange(ratio.Sum(), 0.999, 1.001);
    }

    [Fact]
    public void A_bad_request_is_an_error_with_its_category_and_a_non_zero_exit()
    {
        var (exit, stdout, stderr) = ObsProcess.Run(
            ["-Command", "New-ObsSyntheticZoo -Seed 4 -Families 3 | Import-ObsModel -Dataset bad | Out-Null; try { Invoke-ObsFit -Dataset bad -Target no-such-metric -ErrorAction Stop } catch { 'category ' + $_.CategoryInfo.Category; throw }"],
            environment: Environment);
        Assert.NotEqual(0, exit);
        // obs prints errors as pwsh does (ConciseView, no category): the category is on the record.
        Assert.Contains("category InvalidArgument", stdout, StringComparison.Ordinal);
        Assert.Contains("no-such-metric", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The module obs ships, loaded by the repository's pinned pwsh (.config/dotnet-tools.json, `dotnet pwsh` from the
    /// repository root; restored first if it is not yet). Skipped only when that pwsh cannot start at all.
    /// </summary>
    [SkippableFact]
    public void The_module_loads_in_the_repository_pwsh()
    {
        var root = RepositoryRoot();
        var manifest = Path.Combine(Path.GetDirectoryName(ObsProcess.ObsDll)!, "modules", "ObsScaling", "ObsScaling.psd1");
        var command = $"Import-Module '{manifest}'; (Get-Command -Module ObsScaling).Count; New-ObsSyntheticZoo -Seed 1 -Families 2 | Measure-Object | ForEach-Object Count";
        var (exit, output, error) = Dotnet(root, "pwsh", "-NoProfile", "-NonInteractive", "-Command", "$PSVersionTable.PSVersion.ToString()");
        if (exit != 0)
        {
            Dotnet(root, "tool", "restore");
            (exit, output, error) = Dotnet(root, "pwsh", "-NoProfile", "-NonInteractive", "-Command", "$PSVersionTable.PSVersion.ToString()");
        }

        Skip.If(exit != 0, $"`dotnet pwsh` cannot start here, even after `dotnet tool restore`: {output}{error}".Trim());
        (exit, output, error) = Dotnet(root, "pwsh", "-NoProfile", "-NonInteractive", "-Command", command);
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        Assert.Equal(["24", "10"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private (int Exit, string Out, string Err) Dotnet(string root, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        start.Environment["OBSSCALING_DATABASE"] = Environment["OBSSCALING_DATABASE"];
        start.Environment["OBSSCALING_SERVER_IDLE"] = "0";
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, stdout.GetAwaiter().GetResult(), "timed out after 3 minutes");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ObsScaling.Grpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root not found");
    }
}
