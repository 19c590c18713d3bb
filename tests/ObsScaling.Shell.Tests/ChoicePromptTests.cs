using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;

namespace ObsScaling.Shell.Tests;

public class ChoicePromptTests
{
    private static Collection<ChoiceDescription> ShouldProcessChoices() =>
    [
        new("&Yes", "Continue with only the next step of the operation."),
        new("Yes to &All", "Continue with all the steps of the operation."),
        new("&No", "Skip this operation and proceed with the next operation."),
        new("No to A&ll", "Skip this operation and all subsequent operations."),
        new("&Suspend", "Pause the current pipeline."),
    ];

    [Theory]
    [InlineData("y", 0)]
    [InlineData(" YES ", 0)]
    [InlineData("a", 1)]
    [InlineData("n", 2)]
    [InlineData("No to all", 3)]
    [InlineData("", -1)]
    [InlineData("yep", -1)]
    public void An_answer_names_a_choice_by_hot_key_or_label(string answer, int expected)
    {
        Assert.Equal(expected, ChoicePrompt.Match(answer, ShouldProcessChoices()));
    }

    [Fact]
    public void The_prompt_line_lists_hot_keys_and_the_default_as_pwsh_does()
    {
        Assert.Equal("[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [S] Suspend  [?] Help (default is \"Y\"): ", ChoicePrompt.Line(ShouldProcessChoices(), 0));
        Assert.Equal(2, ChoicePrompt.Decline(ShouldProcessChoices()));
    }

    private static (ObsHostUserInterface Ui, StringWriter Error) Ui(string? stdin, bool nonInteractive = false)
    {
        var error = new StringWriter();
        var console = new ShellConsole(OutputFormat.Table, new StringWriter(), error, new StringReader(stdin ?? string.Empty), false, false, inputIsTerminal: false, noColor: true, nonInteractive);
        return (new ObsHostUserInterface(console, ProgressRenderer.Plain(error, TimeSpan.Zero)), error);
    }

    [Theory]
    [InlineData("n\n", 2)]
    [InlineData("y\n", 0)]
    [InlineData("\n", 2)]
    [InlineData("sure\n", 2)]
    public void With_stdin_redirected_the_next_line_is_the_answer_and_anything_but_a_choice_declines(string stdin, int expected)
    {
        var (ui, error) = Ui(stdin);

        Assert.Equal(expected, ui.PromptForChoice("Confirm", "Remove dataset keep?", ShouldProcessChoices(), 0));
        Assert.Contains("Remove dataset keep?", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void With_no_answer_to_read_or_non_interactive_the_prompt_is_refused()
    {
        var ex = Assert.Throws<PromptingException>(() => Ui(null).Ui.PromptForChoice("Confirm", "Remove?", ShouldProcessChoices(), 0));
        Assert.Contains("-Confirm:$false", ex.Message, StringComparison.Ordinal);
        Assert.Throws<PromptingException>(() => Ui("y\n", nonInteractive: true).Ui.PromptForChoice("Confirm", "Remove?", ShouldProcessChoices(), 0));
    }
}
