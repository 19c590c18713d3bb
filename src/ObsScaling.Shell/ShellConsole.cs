namespace ObsScaling.Shell;

/// <summary>
/// The shell's view of the process's streams: which of them are a terminal, whether escape sequences may be
/// written to each (never to a redirected stream, never with <c>NO_COLOR</c> set or <c>TERM=dumb</c>), and the
/// width tables are formatted to.
/// </summary>
internal sealed class ShellConsole
{
    // pwsh formats redirected output to 80 columns and cuts longer rows with "…"; logs and files are read in
    // editors, not terminals, so obs leaves them room.
    internal const int RedirectedWidth = 160;

    public ShellConsole(OutputFormat format, TextWriter output, TextWriter error, TextReader input, bool outputIsTerminal, bool errorIsTerminal, bool inputIsTerminal, bool noColor, bool nonInteractive = false)
    {
        Format = format;
        Out = output;
        Error = error;
        Input = input;
        OutputIsTerminal = outputIsTerminal;
        ErrorIsTerminal = errorIsTerminal;
        InputIsTerminal = inputIsTerminal;
        NonInteractive = nonInteractive;
        OutputAnsi = outputIsTerminal && !noColor;
        ErrorAnsi = errorIsTerminal && !noColor;
    }

    public OutputFormat Format { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public TextReader Input { get; }

    public bool OutputIsTerminal { get; }

    public bool ErrorIsTerminal { get; }

    public bool InputIsTerminal { get; }

    /// <summary>Set by <c>-NonInteractive</c>: nothing may wait for an answer, so every prompt is refused.</summary>
    public bool NonInteractive { get; }

    public bool OutputAnsi { get; }

    public bool ErrorAnsi { get; }

    /// <summary>The width tables are laid out to: the terminal's, else <c>$COLUMNS</c>, else <see cref="RedirectedWidth"/>.</summary>
    public int Width
    {
        get
        {
            if (OutputIsTerminal)
            {
                try
                {
                    if (Console.WindowWidth > 0)
                    {
                        return Console.WindowWidth;
                    }
                }
                catch (IOException)
                {
                }
            }

            return int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0 ? columns : RedirectedWidth;
        }
    }

    public static ShellConsole ForProcess(OutputFormat format, bool nonInteractive)
    {
        var noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            || string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);
        return new(format, Console.Out, Console.Error, Console.In, !Console.IsOutputRedirected, !Console.IsErrorRedirected, !Console.IsInputRedirected, noColor, nonInteractive);
    }

    public void WriteOut(string text)
    {
        Out.Write(OutputAnsi ? text : AnsiText.Strip(text));
        Out.Flush();
    }

    public void WriteError(string text)
    {
        Error.Write(ErrorAnsi ? text : AnsiText.Strip(text));
        Error.Flush();
    }
}
