using System.Management.Automation.Language;

namespace ObsScaling.Shell;

/// <summary>
/// The prompt loop: read a statement (continuing with <c>&gt;&gt;</c> while the parser reports incomplete input),
/// run it, render, repeat. <c>exit</c> or end of input quits; Ctrl+C stops only the running pipeline.
/// </summary>
internal sealed class InteractiveShell
{
    private readonly ShellHost _shell;
    private readonly ShellConsole _console;

    public InteractiveShell(ShellHost shell, ShellConsole console)
    {
        _shell = shell;
        _console = console;
    }

    public int Run()
    {
        if (!Console.IsInputRedirected)
        {
            var modules = _shell.LoadedModules.Count == 0 ? "none" : string.Join(", ", _shell.LoadedModules.Select(Path.GetFileNameWithoutExtension));
            _console.OutWriter.WriteLine($"obs — ObsScaling shell (PowerShell engine {typeof(System.Management.Automation.PSObject).Assembly.GetName().Version}). Modules: {modules}. Type 'exit' to quit.");
        }

        var lastExitCode = 0;
        while (true)
        {
            var input = ReadStatement();
            if (input is null)
            {
                return lastExitCode;
            }

            if (input.Trim().Length == 0)
            {
                continue;
            }

            var outcome = _shell.RunCommand(input);
            if (outcome.Status == PipelineStatus.Exited)
            {
                return outcome.ExitCode;
            }

            lastExitCode = outcome.ProcessExitCode;
        }
    }

    private string? ReadStatement()
    {
        _console.OutWriter.Write($"PS {Environment.CurrentDirectory}> ");
        _console.OutWriter.Flush();
        var text = _console.Input.ReadLine();
        while (text is not null && IsIncomplete(text))
        {
            _console.OutWriter.Write(">> ");
            _console.OutWriter.Flush();
            var more = _console.Input.ReadLine();
            if (more is null)
            {
                break;
            }

            text += "\n" + more;
        }

        return text;
    }

    private static bool IsIncomplete(string text)
    {
        Parser.ParseInput(text, out _, out var errors);
        return errors.Any(e => e.IncompleteInput);
    }
}
