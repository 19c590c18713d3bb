using System.Text.RegularExpressions;

namespace ObsScaling.Shell;

/// <summary>Removes terminal escape sequences (CSI such as colours and cursor moves, and OSC such as hyperlinks).</summary>
internal static partial class AnsiText
{
    public static string Strip(string text) => text.Contains('\u001b', StringComparison.Ordinal) ? Escape().Replace(text, string.Empty) : text;

    [GeneratedRegex(@"\u001b(\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(\u0007|\u001b\\)|[@-Z\\-_])")]
    private static partial Regex Escape();
}
