using System.Collections.ObjectModel;
using System.Management.Automation.Host;
using System.Text;

namespace ObsScaling.Shell;

/// <summary>The text of a choice prompt and the rules that turn a typed answer into a choice.</summary>
internal static class ChoicePrompt
{
    /// <summary>The pwsh-style choice line: <c>[Y] Yes  [N] No  [?] Help (default is "Y"): </c>.</summary>
    public static string Line(Collection<ChoiceDescription> choices, int defaultChoice)
    {
        var text = new StringBuilder();
        foreach (var choice in choices)
        {
            text.Append('[').Append(HotKey(choice.Label) ?? Plain(choice.Label)).Append("] ").Append(Plain(choice.Label)).Append("  ");
        }

        text.Append("[?] Help");
        if (defaultChoice >= 0 && defaultChoice < choices.Count)
        {
            text.Append(" (default is \"").Append(HotKey(choices[defaultChoice].Label) ?? Plain(choices[defaultChoice].Label)).Append("\")");
        }

        return text.Append(": ").ToString();
    }

    /// <summary>The choice an answer names by its hot key or its whole label (case-insensitive), or -1.</summary>
    public static int Match(string answer, Collection<ChoiceDescription> choices)
    {
        var trimmed = answer.Trim();
        if (trimmed.Length == 0)
        {
            return -1;
        }

        for (var i = 0; i < choices.Count; i++)
        {
            if (string.Equals(HotKey(choices[i].Label), trimmed, StringComparison.OrdinalIgnoreCase)
                || string.Equals(Plain(choices[i].Label), trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The choice that declines (hot key N, or the label "No"), or -1 when the prompt has none.</summary>
    public static int Decline(Collection<ChoiceDescription> choices)
    {
        for (var i = 0; i < choices.Count; i++)
        {
            if (string.Equals(HotKey(choices[i].Label), "N", StringComparison.OrdinalIgnoreCase) || string.Equals(Plain(choices[i].Label), "No", StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    public static string Help(Collection<ChoiceDescription> choices) =>
        string.Join(Environment.NewLine, choices.Select(c => $"{HotKey(c.Label) ?? Plain(c.Label)} - {c.HelpMessage}"));

    internal static string? HotKey(string label)
    {
        var amp = label.IndexOf('&', StringComparison.Ordinal);
        return amp >= 0 && amp + 1 < label.Length ? label.Substring(amp + 1, 1).ToUpperInvariant() : null;
    }

    internal static string Plain(string label) => label.Replace("&", string.Empty, StringComparison.Ordinal);
}
