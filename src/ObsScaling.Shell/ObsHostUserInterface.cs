using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace ObsScaling.Shell;

/// <summary>
/// The host UI: output to stdout, errors, warnings, verbose, debug, progress and prompts to stderr (so stdout
/// holds only data, e.g. JSON), escapes stripped where <see cref="ShellConsole"/> allows none.
/// </summary>
/// <remarks>
/// Prompts really ask. On a terminal the answer is typed; with stdin redirected the next line of stdin is the
/// answer, echoed to stderr, and an answer that names no choice declines (so <c>echo n |</c>, <c>echo |</c> or
/// a typo never confirms). With no answer to read (stdin at its end, or <c>-NonInteractive</c>) the prompt is
/// refused with a <see cref="PromptingException"/>: the command fails and nothing is done.
/// </remarks>
internal sealed class ObsHostUserInterface : PSHostUserInterface
{
    private readonly ShellConsole _console;
    private readonly ObsRawUserInterface _raw;

    public ObsHostUserInterface(ShellConsole console, ProgressRenderer progress)
    {
        _console = console;
        Progress = progress;
        _raw = new ObsRawUserInterface(console);
    }

    public ProgressRenderer Progress { get; }

    public override PSHostRawUserInterface RawUI => _raw;

    public override bool SupportsVirtualTerminal => _console.OutputAnsi;

    public override string ReadLine() => ReadAnswer("Read-Host");

    public override SecureString ReadLineAsSecureString()
    {
        var secure = new SecureString();
        if (_console.InputIsTerminal && !_console.NonInteractive)
        {
            // Read with no echo: the typed secret must not appear on the screen.
            for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
            {
                if (key.Key == ConsoleKey.Backspace)
                {
                    if (secure.Length > 0)
                    {
                        secure.RemoveAt(secure.Length - 1);
                    }
                }
                else if (key.KeyChar != '\0')
                {
                    secure.AppendChar(key.KeyChar);
                }
            }

            WriteStderr(Environment.NewLine);
        }
        else
        {
            foreach (var c in ReadAnswer("a secure string", echo: false))
            {
                secure.AppendChar(c);
            }
        }

        secure.MakeReadOnly();
        return secure;
    }

    public override void Write(string value) => WriteStdout(value);

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) =>
        WriteStdout(_console.OutputAnsi ? Sgr(foregroundColor, backgroundColor) + value + "\u001b[0m" : value);

    public override void WriteLine(string value) => WriteStdout(value + Environment.NewLine);

    public override void WriteErrorLine(string value) => WriteStderr(value + Environment.NewLine);

    public override void WriteDebugLine(string message) => WriteStderr(Styled(PSStyle.Instance.Formatting.Debug, "DEBUG: " + message) + Environment.NewLine);

    public override void WriteVerboseLine(string message) => WriteStderr(Styled(PSStyle.Instance.Formatting.Verbose, "VERBOSE: " + message) + Environment.NewLine);

    public override void WriteWarningLine(string message) => WriteStderr(Styled(PSStyle.Instance.Formatting.Warning, "WARNING: " + message) + Environment.NewLine);

    public override void WriteProgress(long sourceId, ProgressRecord record) => Progress.Update(record);

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        ArgumentNullException.ThrowIfNull(descriptions);
        WriteCaption(caption, message);
        var values = new Dictionary<string, PSObject>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in descriptions)
        {
            var label = field.Label is { Length: > 0 } l ? ChoicePrompt.Plain(l) : field.Name;
            if (field.ParameterTypeFullName.EndsWith("[]", StringComparison.Ordinal))
            {
                // As in pwsh: one element per line, an empty line ends the array.
                var items = new List<string>();
                for (var i = 0; ; i++)
                {
                    WriteStderr($"{label}[{i.ToString(CultureInfo.InvariantCulture)}]: ");
                    var item = ReadAnswer(label);
                    if (item.Length == 0)
                    {
                        break;
                    }

                    items.Add(item);
                }

                values[field.Name] = PSObject.AsPSObject(items.ToArray());
            }
            else if (field.ParameterTypeFullName == typeof(SecureString).FullName)
            {
                WriteStderr(label + ": ");
                values[field.Name] = PSObject.AsPSObject(ReadLineAsSecureString());
            }
            else
            {
                WriteStderr(label + ": ");
                values[field.Name] = PSObject.AsPSObject(ReadAnswer(label));
            }
        }

        return values;
    }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        ArgumentNullException.ThrowIfNull(choices);
        WriteCaption(caption, message);
        while (true)
        {
            WriteStderr(ChoicePrompt.Line(choices, defaultChoice));
            var answer = ReadAnswer(string.IsNullOrEmpty(caption) ? message : caption);
            if (answer.Trim() == "?")
            {
                WriteStderr(ChoicePrompt.Help(choices) + Environment.NewLine);
                continue;
            }

            var chosen = ChoicePrompt.Match(answer, choices);
            if (chosen >= 0)
            {
                return chosen;
            }

            if (_console.InputIsTerminal)
            {
                // A person pressed Enter (the default, as in pwsh) or mistyped (ask again).
                if (answer.Trim().Length == 0 && defaultChoice >= 0 && defaultChoice < choices.Count)
                {
                    return defaultChoice;
                }

                continue;
            }

            var decline = ChoicePrompt.Decline(choices);
            return decline >= 0
                ? decline
                : throw new PromptingException($"obs could not read a choice from standard input: '{answer.Trim()}' names none of {string.Join(", ", choices.Select(c => ChoicePrompt.Plain(c.Label)))}.");
        }
    }

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
    {
        WriteCaption(caption, message);
        if (string.IsNullOrEmpty(userName))
        {
            WriteStderr("User: ");
            userName = ReadAnswer("a user name");
        }

        WriteStderr($"Password for user {userName}: ");
        return new PSCredential(userName, ReadLineAsSecureString());
    }

    // After a partial line (a prompt, Write-Host -NoNewline) the status line would land on the same line: it
    // stays hidden until the next progress record.
    private void RestoreProgressAfter(string text)
    {
        if (text.EndsWith('\n'))
        {
            Progress.Restore();
        }
    }

    private static string Styled(string style, string text) => style + text + PSStyle.Instance.Reset;

    private static string Sgr(ConsoleColor foreground, ConsoleColor background) =>
        $"\u001b[{Code(foreground, 30)};{Code(background, 40)}m";

    // ConsoleColor's order (Black, DarkBlue, DarkGreen, DarkCyan, DarkRed, DarkMagenta, DarkYellow, Gray, DarkGray, Blue...)
    // against SGR's (black, red, green, yellow, blue, magenta, cyan, white), bright colours from 90/100.
    private static int Code(ConsoleColor color, int baseCode)
    {
        int[] sgr = [0, 4, 2, 6, 1, 5, 3, 7];
        var index = (int)color;
        return index < 8 ? baseCode + sgr[index] : baseCode + 60 + sgr[index - 8];
    }

    private string ReadAnswer(string what, bool echo = true)
    {
        if (_console.NonInteractive)
        {
            throw new PromptingException($"obs cannot ask for {what}: it runs with -NonInteractive. Pass the value on the command line (for a confirmation, -Confirm:$false).");
        }

        var answer = _console.InputIsTerminal ? Console.ReadLine() : _console.Input.ReadLine();
        if (answer is null)
        {
            throw new PromptingException($"obs cannot ask for {what}: standard input is not a terminal and holds no answer. Pass the value on the command line (for a confirmation, -Confirm:$false).");
        }

        if (!_console.InputIsTerminal)
        {
            // The answer came from a pipe: show it, so a log reads like the conversation it was.
            WriteStderr((echo ? answer : "********") + Environment.NewLine);
        }

        return answer;
    }

    private void WriteCaption(string caption, string message)
    {
        if (!string.IsNullOrEmpty(caption))
        {
            WriteStderr(caption + Environment.NewLine);
        }

        if (!string.IsNullOrEmpty(message))
        {
            WriteStderr(message + Environment.NewLine);
        }
    }

    private void WriteStdout(string text)
    {
        Progress.Hide();
        _console.WriteOut(text);
        RestoreProgressAfter(text);
    }

    private void WriteStderr(string text)
    {
        Progress.Hide();
        _console.WriteError(text);
        RestoreProgressAfter(text);
    }
}
