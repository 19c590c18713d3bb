using Spectre.Console;

namespace ObsScaling.Shell;

/// <summary>
/// The shell's view of the terminal: Spectre consoles for output and errors, and the writers the host UI uses.
/// When both stdout and stderr are the terminal, errors and progress share the output console: Spectre can
/// only keep its progress bars below text written through the same console.
/// </summary>
internal sealed class ShellConsole
{
    // Wide enough that redirected tables and lines are never wrapped at Spectre's 80-column default.
    private const int RedirectedWidth = 4096;

    public ShellConsole(OutputFormat format, TextWriter output, TextWriter error, TextReader input, bool outputIsTerminal, bool errorIsTerminal)
    {
        Format = format;
        OutWriter = output;
        ErrorWriter = error;
        Input = input;
        OutputIsTerminal = outputIsTerminal;
        ErrorIsTerminal = errorIsTerminal;
        OutConsole = Create(output, outputIsTerminal);
        ErrorConsole = outputIsTerminal && errorIsTerminal && format == OutputFormat.Table ? OutConsole : Create(error, errorIsTerminal);
    }

    public OutputFormat Format { get; }

    public TextWriter OutWriter { get; }

    public TextWriter ErrorWriter { get; }

    public TextReader Input { get; }

    public bool OutputIsTerminal { get; }

    public bool ErrorIsTerminal { get; }

    public IAnsiConsole OutConsole { get; }

    public IAnsiConsole ErrorConsole { get; }

    public static ShellConsole ForProcess(OutputFormat format) =>
        new(format, Console.Out, Console.Error, Console.In, !Console.IsOutputRedirected, !Console.IsErrorRedirected);

    public IOutputRenderer CreateOutputRenderer() =>
        Format == OutputFormat.Json ? new JsonRenderer(OutWriter) : new ObjectRenderer(OutConsole);

    // Progress goes where errors go, so JSON on stdout stays parseable; the live display ends before
    // buffered output is written, so bars and JSON never interleave on a shared terminal.
    public ProgressRenderer CreateProgressRenderer() =>
        ErrorIsTerminal
            ? ProgressRenderer.Live(ErrorConsole)
            : ProgressRenderer.Line(ErrorWriter);

    public static IAnsiConsole Create(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
