using System.Diagnostics;

namespace ObsScaling.Pester.Tests;

/// <summary>
/// The repository's pinned PowerShell (.config/dotnet-tools.json): <c>dotnet pwsh</c>, run from the repository
/// root so that the tool manifest is found; restored with <c>dotnet tool restore</c> when it is not yet.
/// </summary>
internal static class Pwsh
{
    public static ProcessStartInfo StartInfo(string repositoryRoot)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = repositoryRoot,
        };
        start.ArgumentList.Add("pwsh");
        start.ArgumentList.Add("-NoProfile");
        start.ArgumentList.Add("-NonInteractive");
        start.Environment["NO_COLOR"] = "1";
        start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        start.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    /// <summary>Null when <c>dotnet pwsh</c> starts (after a tool restore if needed), else why not.</summary>
    public static string? CannotStart(string repositoryRoot)
    {
        var (exit, output) = Version(repositoryRoot);
        if (exit == 0)
        {
            return null;
        }

        var restore = Exec(repositoryRoot, ["tool", "restore"]);
        (exit, var retried) = Version(repositoryRoot);
        return exit == 0
            ? null
            : $"pwsh cannot start here: `dotnet pwsh` failed ({output.Trim()}) and `dotnet tool restore` did not fix it ({restore.Output.Trim()}; then {retried.Trim()})";
    }

    private static (int Exit, string Output) Version(string repositoryRoot)
    {
        var start = StartInfo(repositoryRoot);
        start.ArgumentList.Add("-Command");
        start.ArgumentList.Add("$PSVersionTable.PSVersion.ToString()");
        return Wait(start);
    }

    private static (int Exit, string Output) Exec(string directory, string[] args)
    {
        var start = new ProcessStartInfo("dotnet", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        return Wait(start);
    }

    private static (int Exit, string Output) Wait(ProcessStartInfo start)
    {
        try
        {
            using var process = Process.Start(start)!;
            if (start.RedirectStandardInput)
            {
                process.StandardInput.Close();
            }

            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "timed out after 2 minutes");
            }

            return (process.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
