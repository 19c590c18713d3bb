namespace ObsScaling.Shell.Tests;

/// <summary>The prompt's editor fed key presses, completing against a real runspace (the built-in cmdlets).</summary>
public sealed class LineEditorTests : IDisposable
{
    private readonly ShellHost _shell = ShellHost.Open(
        new ShellConsole(OutputFormat.Table, new StringWriter(), new StringWriter(), new StringReader(string.Empty), false, false, false, noColor: true), []);

    private static ConsoleKeyInfo Key(ConsoleKey key, char c = '\0', bool shift = false, bool control = false) => new(c, key, shift, alt: false, control);

    private static IEnumerable<ConsoleKeyInfo> Type(string text) => text.Select(c => Key(char.IsLetter(c) ? ConsoleKey.A + (char.ToUpperInvariant(c) - 'A') : ConsoleKey.Spacebar, c));

    private (LineEditor Editor, StringWriter Screen, Queue<ConsoleKeyInfo> Keys) Editor()
    {
        var keys = new Queue<ConsoleKeyInfo>();
        var screen = new StringWriter();
        return (new LineEditor(keys.Dequeue, screen, _shell.Complete, ansi: false), screen, keys);
    }

    [Fact]
    public void Tab_completes_a_command_name_and_further_tabs_cycle_through_the_matches()
    {
        var (editor, _, keys) = Editor();
        foreach (var k in Type("Get-ChildI"))
        {
            keys.Enqueue(k);
        }

        keys.Enqueue(Key(ConsoleKey.Tab, '\t'));
        keys.Enqueue(Key(ConsoleKey.Enter, '\r'));
        Assert.Equal("Get-ChildItem", editor.ReadLine("PS> "));

        foreach (var k in Type("Sort-Object -Desc"))
        {
            keys.Enqueue(k);
        }

        keys.Enqueue(Key(ConsoleKey.Tab, '\t'));
        keys.Enqueue(Key(ConsoleKey.Enter, '\r'));
        Assert.Equal("Sort-Object -Descending", editor.ReadLine("PS> "));

        // Further Tabs cycle and Shift+Tab steps back, ending on the same single match.
        foreach (var k in Type("Get-Da"))
        {
            keys.Enqueue(k);
        }

        keys.Enqueue(Key(ConsoleKey.Tab, '\t'));
        keys.Enqueue(Key(ConsoleKey.Tab, '\t'));
        keys.Enqueue(Key(ConsoleKey.Tab, '\t', shift: true));
        keys.Enqueue(Key(ConsoleKey.Enter, '\r'));
        Assert.Equal("Get-Date", editor.ReadLine("PS> "));
    }

    [Fact]
    public void Up_and_down_walk_the_history_and_keep_the_line_being_typed()
    {
        var (editor, _, keys) = Editor();
        foreach (var line in new[] { "first", "second" })
        {
            foreach (var k in Type(line))
            {
                keys.Enqueue(k);
            }

            keys.Enqueue(Key(ConsoleKey.Enter, '\r'));
            editor.ReadLine("PS> ");
        }

        foreach (var k in Type("draft"))
        {
            keys.Enqueue(k);
        }

        keys.Enqueue(Key(ConsoleKey.UpArrow));
        keys.Enqueue(Key(ConsoleKey.UpArrow));
        keys.Enqueue(Key(ConsoleKey.UpArrow));
        keys.Enqueue(Key(ConsoleKey.Enter, '\r'));
        Assert.Equal("first", editor.ReadLine("PS> "));

        keys.Enqueue(Key(ConsoleKey.UpArrow));
        keys.Enqueue(Key(ConsoleKey.DownArrow));
        keys.Enqueue(Key(ConsoleKey.Enter, '\r'));
        Assert.Equal(string.Empty, editor.ReadLine("PS> "));
        // A recalled line is recorded again (as the latest); an empty one is not.
        Assert.Equal(["first", "second", "first"], editor.History);
    }

    [Fact]
    public void Editing_keys_move_the_cursor_and_delete_and_ctrl_d_on_an_empty_line_ends_input()
    {
        var (editor, screen, keys) = Editor();
        foreach (var k in Type("abd"))
        {
            keys.Enqueue(k);
        }

        keys.Enqueue(Key(ConsoleKey.LeftArrow));
        keys.Enqueue(Key(ConsoleKey.C, 'c'));
        keys.Enqueue(Key(ConsoleKey.Home));
        keys.Enqueue(Key(ConsoleKey.Delete));
        keys.Enqueue(Key(ConsoleKey.End));
        keys.Enqueue(Key(ConsoleKey.Backspace));
        keys.Enqueue(Key(ConsoleKey.Enter, '\r'));
        Assert.Equal("bc", editor.ReadLine("PS> "));
        Assert.DoesNotContain('\u001b', screen.ToString());

        keys.Enqueue(Key(ConsoleKey.D, '\u0004', control: true));
        Assert.Null(editor.ReadLine("PS> "));
    }

    public void Dispose() => _shell.Dispose();
}
