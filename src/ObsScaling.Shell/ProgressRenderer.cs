using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation;
using Spectre.Console;

namespace ObsScaling.Shell;

/// <summary>
/// Shows progress records. On a terminal they become Spectre progress bars, drawn by a live display on a
/// background thread (records arrive on the pipeline thread, which must not block on drawing); text written
/// to the same console meanwhile appears above the bars. Without a terminal, one line is rewritten in place
/// with a carriage return, so logs get a readable trace rather than escape codes.
/// </summary>
internal sealed class ProgressRenderer : IDisposable
{
    private readonly IAnsiConsole? _live;
    private readonly TextWriter? _line;
    private readonly ConcurrentQueue<ProgressRecord> _pending = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Lock _gate = new();
    private Task? _display;
    private volatile bool _stopping;
    private int _lineLength;

    private ProgressRenderer(IAnsiConsole? live, TextWriter? line)
    {
        _live = live;
        _line = line;
    }

    public static ProgressRenderer Live(IAnsiConsole console) => new(console, null);

    public static ProgressRenderer Line(TextWriter writer) => new(null, writer);

    public void Update(ProgressRecord record)
    {
        if (_line is not null)
        {
            WriteLine(record);
            return;
        }

        _pending.Enqueue(record);
        lock (_gate)
        {
            _display ??= Task.Run(RunDisplay);
        }

        _wake.Release();
    }

    /// <summary>Ends the current display; the next record starts a new one.</summary>
    public void Stop()
    {
        Task? display;
        lock (_gate)
        {
            display = _display;
            _display = null;
        }

        if (display is not null)
        {
            _stopping = true;
            _wake.Release();
            display.GetAwaiter().GetResult();
            _stopping = false;
        }

        if (_line is not null && _lineLength > 0)
        {
            _line.WriteLine();
            _line.Flush();
            _lineLength = 0;
        }
    }

    public void Dispose()
    {
        Stop();
        _wake.Dispose();
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

    private void WriteLine(ProgressRecord record)
    {
        var text = record.RecordType == ProgressRecordType.Completed
            ? record.Activity + ": done"
            : Describe(record) + (record.PercentComplete >= 0 ? " " + record.PercentComplete.ToString(CultureInfo.InvariantCulture) + "%" : string.Empty);
        // Pad over the previous line's tail: a shorter status must not leave stale characters behind.
        _line!.Write("\r" + text.PadRight(_lineLength));
        _lineLength = text.Length;
        if (record.RecordType == ProgressRecordType.Completed)
        {
            _line.WriteLine();
            _lineLength = 0;
        }

        _line.Flush();
    }

    private void RunDisplay()
    {
        _live!.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<int, ProgressTask>();
                while (true)
                {
                    while (_pending.TryDequeue(out var record))
                    {
                        Apply(context, tasks, record);
                    }

                    context.Refresh();
                    if (_stopping && _pending.IsEmpty)
                    {
                        return;
                    }

                    _wake.Wait(TimeSpan.FromMilliseconds(100));
                }
            });
    }

    private static void Apply(ProgressContext context, Dictionary<int, ProgressTask> tasks, ProgressRecord record)
    {
        if (record.RecordType == ProgressRecordType.Completed)
        {
            if (tasks.Remove(record.ActivityId, out var done))
            {
                done.Value = done.MaxValue;
                done.StopTask();
            }

            return;
        }

        if (!tasks.TryGetValue(record.ActivityId, out var task))
        {
            task = context.AddTask(Markup.Escape(Describe(record)), maxValue: 100);
            tasks[record.ActivityId] = task;
        }

        task.Description = Markup.Escape(Describe(record));
        task.IsIndeterminate = record.PercentComplete < 0;
        if (record.PercentComplete >= 0)
        {
            task.Value = Math.Min(record.PercentComplete, 100);
        }
    }
}
