using System.Management.Automation.Host;

namespace ObsScaling.Shell;

/// <summary>
/// The raw console as the formatter and cmdlets see it: the width that Format-Table and Out-String lay out to
/// (see <see cref="ShellConsole.Width"/>), colours, and keys read from the terminal. Screen-buffer reads and
/// scrolling, which only a full-screen host has, are not supported.
/// </summary>
internal sealed class ObsRawUserInterface : PSHostRawUserInterface
{
    private readonly ShellConsole _console;

    public ObsRawUserInterface(ShellConsole console) => _console = console;

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

    public override Size BufferSize
    {
        get => new(_console.Width, WindowHeight());
        set { }
    }

    public override Coordinates CursorPosition
    {
        get => default;
        set { }
    }

    public override int CursorSize { get; set; } = 25;

    public override bool KeyAvailable => _console.InputIsTerminal && Console.KeyAvailable;

    public override Size MaxPhysicalWindowSize => BufferSize;

    public override Size MaxWindowSize => BufferSize;

    public override Coordinates WindowPosition
    {
        get => default;
        set { }
    }

    public override Size WindowSize
    {
        get => BufferSize;
        set { }
    }

    public override string WindowTitle { get; set; } = "obs";

    public override void FlushInputBuffer()
    {
        while (_console.InputIsTerminal && Console.KeyAvailable)
        {
            Console.ReadKey(intercept: true);
        }
    }

    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException("obs cannot read the screen buffer.");

    public override KeyInfo ReadKey(ReadKeyOptions options)
    {
        if (!_console.InputIsTerminal)
        {
            throw new PromptingException("obs cannot read a key: standard input is not a terminal.");
        }

        var key = Console.ReadKey(intercept: (options & ReadKeyOptions.NoEcho) != 0);
        var state = ((key.Modifiers & ConsoleModifiers.Shift) != 0 ? ControlKeyStates.ShiftPressed : 0)
            | ((key.Modifiers & ConsoleModifiers.Control) != 0 ? ControlKeyStates.LeftCtrlPressed : 0)
            | ((key.Modifiers & ConsoleModifiers.Alt) != 0 ? ControlKeyStates.LeftAltPressed : 0);
        return new KeyInfo((int)key.Key, key.KeyChar, state, keyDown: true);
    }

    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) =>
        throw new NotSupportedException("obs cannot scroll the screen buffer.");

    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) => throw new NotSupportedException("obs cannot write the screen buffer.");

    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) => throw new NotSupportedException("obs cannot write the screen buffer.");

    private int WindowHeight()
    {
        try
        {
            return _console.OutputIsTerminal && Console.WindowHeight > 0 ? Console.WindowHeight : 50;
        }
        catch (IOException)
        {
            return 50;
        }
    }
}
