using System.CommandLine;

namespace ObsScaling.Shell;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = ShellOptions.CreateRootCommand();
        var parsed = ShellOptions.Parse(root, args, out var scriptArguments, out var commandText);
        if (parsed.Errors.Count > 0 || parsed.Action is not null)
        {
            // --help, --version and parse errors are System.CommandLine's to print.
            return parsed.Invoke();
        }

        var options = ShellOptions.FromParseResult(parsed, scriptArguments, commandText);
        if (options.File is { } file && !File.Exists(file))
        {
            Console.Error.WriteLine($"obs: the script '{file}' does not exist.");
            return 2;
        }

        var console = ShellConsole.ForProcess(options.OutputFormat, options.NonInteractive);
        var modules = ModuleLocator.Find(AppContext.BaseDirectory, Environment.GetEnvironmentVariable(ModuleLocator.EnvironmentVariable), options.Modules);
        using var shell = ShellHost.Open(console, modules);

        Console.CancelKeyPress += (_, e) =>
        {
            // Ctrl+C stops a running pipeline and keeps the shell; with nothing running it ends the process as usual.
            e.Cancel = shell.StopCurrent();
        };

        if (options.Command is { } command)
        {
            return shell.RunCommand(command).ProcessExitCode;
        }

        if (options.File is not null)
        {
            return shell.RunFile(options.File, options.ScriptArguments).ProcessExitCode;
        }

        return new InteractiveShell(shell, console).Run();
    }
}
