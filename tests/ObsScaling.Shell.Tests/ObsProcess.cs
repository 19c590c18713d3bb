using System.Diagnostics;

namespace ObsScaling.Shell.Tests;

/// <summary>
/// Runs the built <c>obs</c> as a process, from the shell project's own output (same configuration and
/// framework as this test assembly), so it runs with its real deps.json and runtime layout.
/// </summary>
internal static class ObsProcess
{
    public static string ObsDll { get; } = FindObs();

    public static string ScriptsDirectory => Path.Combine(AppContext.BaseDirectory, "scripts");

    public static (int ExitCode, string Out, string Err) Run(IEnumerable<string> args, string? stdin = null, IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(ObsDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("OBSSCALING_MODULE");
        // Private servers unless a test asks otherwise: a warm server per test database would idle on after the test.
        start.Environment["OBSSCALING_SERVER_IDLE"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(180)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("obs did not finish within 180 s");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string FindObs()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "ObsScaling.Shell", "bin", configuration, framework, "obs.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"obs.dll ({configuration}/{framework}) not found above {output.FullName}; build src/ObsScaling.Shell first.");
    }
}
