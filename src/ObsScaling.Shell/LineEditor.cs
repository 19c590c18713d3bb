using System.Management.Automation;
using System.Text;

namespace ObsScaling.Shell;

/// <summary>
/// The prompt's line editor, over single key presses: Left/Right/Home/End (Ctrl+A/E) move, Backspace/Delete,
/// Ctrl+U/Ctrl+K delete to the start/end, Escape clears, Up/Down walk the history, Tab/Shift+Tab cycle
/// through the engine's completions (<see cref="CommandCompletion"/>), Enter accepts, Ctrl+C abandons the
/// line, Ctrl+D on an empty line is end of input. The line is redrawn whole after each key: the prompt and
/// the text must fit on one terminal row for the cursor to land right.
/// </summary>
internal sealed class LineEditor
{
    private readonly Func<ConsoleKeyInfo> _readKey;
    private readonly TextWriter _screen;
    private readonly Func<string, int, CommandCompletion?> _complete;
    private readonly bool _ansi;
    private readonly List<string> _history = [];
    private int _drawnLength;

    public LineEditor(Func<ConsoleKeyInfo> readKey, TextWriter screen, Func<string, int, CommandCompletion?> complete, bool ansi)
    {
        _readKey = readKey;
        _screen = screen;
        _complete = complete;
        _ansi = ansi;
    }

    public IReadOnlyList<string> History => _history;

    /// <summary>Reads one line after <paramref name="prompt"/>; null at end of input (Ctrl+D on an empty line).</summary>
    public string? ReadLine(string prompt)
    {
        var line = new StringBuilder();
        var cursor = 0;
        var historyIndex = _history.Count;
        var pending = string.Empty;
        Completion? completion = null;
        _drawnLength = 0;
        _screen.Write(prompt);
        _screen.Flush();

        while (true)
        {
            var key = _readKey();
            var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
            if (key.Key != ConsoleKey.Tab)
            {
                completion = null;
            }

            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    _screen.WriteLine();
                    _screen.Flush();
                    var accepted = line.ToString();
                    if (accepted.Trim().Length > 0 && (_history.Count == 0 || _history[^1] != accepted))
                    {
                        _history.Add(accepted);
                    }

                    return accepted;
                case ConsoleKey.D when control && line.Length == 0:
                    _screen.WriteLine();
                    return null;
                case ConsoleKey.C when control:
                    _screen.WriteLine("^C");
                    _screen.Flush();
                    return string.Empty;
                case ConsoleKey.LeftArrow:
                    cursor = Math.Max(0, cursor - 1);
                    break;
                case ConsoleKey.RightArrow:
                    cursor = Math.Min(line.Length, cursor + 1);
                    break;
                case ConsoleKey.Home:
                case ConsoleKey.A when control:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                case ConsoleKey.E when control:
                    cursor = line.Length;
                    break;
                case ConsoleKey.Backspace:
                    if (cursor > 0)
                    {
                        line.Remove(--cursor, 1);
                    }

                    break;
                case ConsoleKey.Delete:
                    if (cursor < line.Length)
                    {
                        line.Remove(cursor, 1);
                    }

                    break;
                case ConsoleKey.U when control:
                    line.Remove(0, cursor);
                    cursor = 0;
                    break;
                case ConsoleKey.K when control:
                    line.Remove(cursor, line.Length - cursor);
                    break;
                case ConsoleKey.Escape:
                    line.Clear();
                    cursor = 0;
                    break;
                case ConsoleKey.UpArrow:
                    if (historyIndex > 0)
                    {
                        if (historyIndex == _history.Count)
                        {
                            pending = line.ToString();
                        }

                        Replace(line, _history[--historyIndex], out cursor);
                    }

                    break;
                case ConsoleKey.DownArrow:
                    if (historyIndex < _history.Count)
                    {
                        historyIndex++;
                        Replace(line, historyIndex == _history.Count ? pending : _history[historyIndex], out cursor);
                    }

                    break;
                case ConsoleKey.Tab:
                    completion ??= Completion.Start(_complete, line.ToString(), cursor);
                    if (completion is not null)
                    {
                        Replace(line, completion.Next((key.Modifiers & ConsoleModifiers.Shift) != 0, out cursor), out _);
                    }

                    break;
                default:
                    if (key.KeyChar >= ' ' && !control)
                    {
                        line.Insert(cursor++, key.KeyChar);
                    }

                    break;
            }

            Redraw(prompt, line, cursor);
        }
    }

    private static void Replace(StringBuilder line, string text, out int cursor)
    {
        line.Clear().Append(text);
        cursor = line.Length;
    }

    private void Redraw(string prompt, StringBuilder line, int cursor)
    {
        var text = line.ToString();
        var output = new StringBuilder("\r").Append(prompt).Append(text);
        // Without escapes, blank the rest of a longer previous line with spaces, then step back over them.
        var leftover = Math.Max(0, _drawnLength - text.Length);
        if (_ansi)
        {
            output.Append("\u001b[K");
        }
        else
        {
            output.Append(' ', leftover).Append('\b', leftover);
        }

        output.Append('\b', text.Length - cursor);
        _screen.Write(output.ToString());
        _screen.Flush();
        _drawnLength = text.Length;
    }

    /// <summary>One Tab session: the completions of the line as it was when Tab was first pressed.</summary>
    private sealed class Completion
    {
        private readonly string _original;
        private readonly CommandCompletion _result;
        private int _index = -1;

        private Completion(string original, CommandCompletion result)
        {
            _original = original;
            _result = result;
        }

        public static Completion? Start(Func<string, int, CommandCompletion?> complete, string line, int cursor)
        {
            var result = complete(line, cursor);
            return result is { CompletionMatches.Count: > 0 } ? new Completion(line, result) : null;
        }

        public string Next(bool backwards, out int cursor)
        {
            var count = _result.CompletionMatches.Count;
            _index = backwards ? (_index <= 0 ? count - 1 : _index - 1) : (_index + 1) % count;
            var match = _result.CompletionMatches[_index].CompletionText;
            var text = string.Concat(_original.AsSpan(0, _result.ReplacementIndex), match, _original.AsSpan(_result.ReplacementIndex + _result.ReplacementLength));
            cursor = _result.ReplacementIndex + match.Length;
            return text;
        }
    }
}
