using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace ObsScaling.Shell;

/// <summary>
/// Shows progress records on stderr, never on stdout. On a terminal the newest activity is one status line at
/// the bottom, redrawn in place; the host clears it before writing any other text and redraws it after, so
/// progress never shares a line with output or errors. Without a terminal nothing is redrawn: an activity still
/// running after <see cref="PlainDelay"/> prints one plain line, and one more when it completes, so logs get a
/// trace of the long steps (not of every quick Get-Help search) with no <c>\r</c> in it.
/// </summary>
internal sealed class ProgressRenderer
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter _writer;
    private readonly bool _terminal;
    private readonly bool _ansi;
    private readonly Func<int> _width;
    private readonly Lock _gate = new();
    private readonly List<ProgressRecord> _active = [];
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private readonly Dictionary<int, long> _started = [];
    private readonly HashSet<int> _printed = [];
    private int _drawnLength;

    public ProgressRenderer(TextWriter writer, bool terminal, bool ansi, Func<int> width)
    {
        _writer = writer;
        _terminal = terminal;
        _ansi = ansi;
        _width = width;
    }

    internal TimeSpan PlainDelay { get; init; } = TimeSpan.FromSeconds(2);

    public static ProgressRenderer Plain(TextWriter writer, TimeSpan delay) => new(writer, terminal: false, ansi: false, () => ShellConsole.RedirectedWidth) { PlainDelay = delay };

    public void Update(ProgressRecord record)
    {
        lock (_gate)
        {
            var index = _active.FindIndex(r => r.ActivityId == record.ActivityId);
            if (record.RecordType == ProgressRecordType.Completed)
            {
                if (index >= 0)
                {
                    _active.RemoveAt(index);
                }

                _started.Remove(record.ActivityId);
                if (!_terminal && _printed.Remove(record.ActivityId))
                {
                    WritePlain(record.Activity + ": done");
                }

                Redraw(force: true);
                return;
            }

            if (index >= 0)
            {
                _active[index] = record;
            }
            else
            {
                _active.Add(record);
                _started.TryAdd(record.ActivityId, Stopwatch.GetTimestamp());
            }

            if (!_terminal && !_printed.Contains(record.ActivityId) && Stopwatch.GetElapsedTime(_started[record.ActivityId]) >= PlainDelay)
            {
                _printed.Add(record.ActivityId);
                WritePlain(Describe(record));
            }

            Redraw(force: false);
        }
    }

    /// <summary>Takes the status line off the screen before other text is written; <see cref="Restore"/> puts it back.</summary>
    public void Hide()
    {
        lock (_gate)
        {
            Erase();
        }
    }

    public void Restore()
    {
        lock (_gate)
        {
            Redraw(force: true);
        }
    }

    /// <summary>Ends every activity (a pipeline finished): the line is erased and nothing is redrawn.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _active.Clear();
            _started.Clear();
            _printed.Clear();
            Erase();
        }
    }

    internal static string Describe(ProgressRecord record)
    {
        var text = record.Activity;
        if (!string.IsNullOrEmpty(record.StatusDescription) && record.StatusDescription != record.Activity)
        {
            text += ": " + record.StatusDescription;
        }

        if (!string.IsNullOrEmpty(record.CurrentOperation))
        {
            text += " (" + record.CurrentOperation + ")";
        }

        return text;
    }

    internal static string StatusLine(ProgressRecord record, int width)
    {
        var text = new StringBuilder(Describe(record));
        if (record.PercentComplete >= 0)
        {
            const int BarWidth = 20;
            var filled = Math.Clamp(record.PercentComplete, 0, 100) * BarWidth / 100;
            text.Append(" [").Append('#', filled).Append(' ', BarWidth - filled).Append("] ")
                .Append(record.PercentComplete.ToString(CultureInfo.InvariantCulture)).Append('%');
        }

        // One column short of the width: writing the last column makes some terminals wrap to a new line.
        var max = Math.Max(10, width - 1);
        return text.Length <= max ? text.ToString() : text.ToString(0, max - 1) + "…";
    }

    private void WritePlain(string line)
    {
        _writer.WriteLine(line);
        _writer.Flush();
    }

    private void Redraw(bool force)
    {
        if (!_terminal)
        {
            return;
        }

        if (_active.Count == 0)
        {
            Erase();
            return;
        }

        if (!force && _drawnLength > 0 && _sinceDraw.Elapsed < RedrawInterval)
        {
            return;
        }

        var line = StatusLine(_active[^1], _width());
        Erase();
        _writer.Write(line);
        _writer.Flush();
        _drawnLength = line.Length;
        _sinceDraw.Restart();
    }

    private void Erase()
    {
        if (!_terminal || _drawnLength == 0)
        {
            return;
        }

        // Without escapes (NO_COLOR) the line is blanked with spaces instead of "erase in line".
        _writer.Write(_ansi ? "\r\u001b[2K" : "\r" + new string(' ', _drawnLength) + "\r");
        _writer.Flush();
        _drawnLength = 0;
    }
}
