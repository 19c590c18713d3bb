using System.Management.Automation;

namespace ObsScaling.Shell.Tests;

public class ProgressRendererTests
{
    [Fact]
    public void Without_a_terminal_a_long_activity_prints_plain_lines_and_never_a_carriage_return()
    {
        var text = new StringWriter();
        var progress = ProgressRenderer.Plain(text, TimeSpan.Zero);

        progress.Update(new ProgressRecord(1, "Fitting", "model 1 of 4") { PercentComplete = 25 });
        progress.Update(new ProgressRecord(1, "Fitting", "4/4") { PercentComplete = 100 });
        progress.Update(new ProgressRecord(1, "Fitting", "done") { RecordType = ProgressRecordType.Completed });

        Assert.Equal("Fitting: model 1 of 4" + Environment.NewLine + "Fitting: done" + Environment.NewLine, text.ToString());
    }

    [Fact]
    public void Without_a_terminal_a_quick_activity_prints_nothing()
    {
        var text = new StringWriter();
        var progress = ProgressRenderer.Plain(text, TimeSpan.FromMinutes(1));

        progress.Update(new ProgressRecord(1, "Searching help", "Get-Date") { PercentComplete = 50 });
        progress.Update(new ProgressRecord(1, "Searching help", "done") { RecordType = ProgressRecordType.Completed });

        Assert.Equal(string.Empty, text.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void On_a_terminal_the_status_line_is_drawn_then_erased_before_other_text(bool ansi)
    {
        var text = new StringWriter();
        var progress = new ProgressRenderer(text, terminal: true, ansi, () => 120);

        progress.Update(new ProgressRecord(1, "Imputing", "iteration 3") { PercentComplete = 40 });
        var line = "Imputing: iteration 3 [########            ] 40%";
        Assert.Equal(line, text.ToString());

        progress.Hide();
        Assert.Equal(line + (ansi ? "\r\u001b[2K" : "\r" + new string(' ', line.Length) + "\r"), text.ToString());
        // NO_COLOR: not one escape sequence, even for erasing.
        Assert.Equal(ansi, text.ToString().Contains('\u001b', StringComparison.Ordinal));
    }

    [Fact]
    public void The_status_line_fits_the_terminal_width()
    {
        var line = ProgressRenderer.StatusLine(new ProgressRecord(1, new string('a', 300), "status") { PercentComplete = 10 }, 80);

        Assert.Equal(79, line.Length);
        Assert.EndsWith("…", line, StringComparison.Ordinal);
    }
}
