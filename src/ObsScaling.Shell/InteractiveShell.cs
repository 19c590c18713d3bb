using System.Management.Automation.Language;

namespace ObsScaling.Shell;

/// <summary>
/// The prompt loop: show the <c>prompt</c> function's text, read a statement (continuing with <c>&gt;&gt;</c>
/// while the parser reports incomplete input), run it, repeat. On a terminal lines are read by the
/// <see cref="LineEditor"/> (history, Tab completion) and statements go to <c>Get-History</c>; with stdin
/// redirected they are read as plain lines. <c>exit</c> or end of input quits; Ctrl+C stops only the running pipeline.
/// </summary>
internal sealed class InteractiveShell
{
    private readonly ShellHost _shell;
    private readonly ShellConsole _console;
    private readonly LineEditor? _editor;

    public InteractiveShell(ShellHost shell, ShellConsole console)
    {
        _shell = shell;
        _console = console;
        if (console.InputIsTerminal && console.OutputIsTerminal)
        {
            _editor = new LineEditor(ReadKey, console.Out, shell.Complete, console.OutputAnsi);
        }
    }

    public int Run()
    {
        if (_console.InputIsTerminal)
        {
            var modules = _shell.LoadedModules.Count == 0 ? "none" : string.Join(", ", _shell.LoadedModules.Select(Path.GetFileNameWithoutExtension));
            _console.WriteOut($"obs — ObsScaling shell (PowerShell {typeof(System.Management.Automation.PSObject).Assembly.GetName().Version}). Modules: {modules}. Type 'exit' to quit.{Environment.NewLine}");
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

            var outcome = _shell.RunCommand(input, addToHistory: true);
            if (outcome.Status == PipelineStatus.Exited)
            {
                return outcome.ExitCode;
            }

            lastExitCode = outcome.ProcessExitCode;
        }
    }

    private static ConsoleKeyInfo ReadKey()
    {
        // Ctrl+C at the prompt abandons the line instead of ending obs; while a pipeline runs it stops the pipeline.
        Console.TreatControlCAsInput = true;
        try
        {
            return Console.ReadKey(intercept: true);
        }
        finally
        {
            Console.TreatControlCAsInput = false;
        }
    }

    private string? ReadStatement()
    {
        var text = ReadLine(_shell.Prompt());
        while (text is not null && IsIncomplete(text))
        {
            var more = ReadLine(">> ");
            if (more is null)
            {
                break;
            }

            text += "\n" + more;
        }

        return text;
    }

    private string? ReadLine(string prompt)
    {
        if (_editor is not null)
        {
            return _editor.ReadLine(prompt);
        }

        _console.WriteOut(prompt);
        return _console.Input.ReadLine();
    }

    private static bool IsIncomplete(string text)
    {
        Parser.ParseInput(text, out _, out var errors);
        return errors.Any(e => e.IncompleteInput);
    }
}
