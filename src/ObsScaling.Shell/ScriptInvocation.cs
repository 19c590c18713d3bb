using System.Text;
using System.Text.RegularExpressions;

namespace ObsScaling.Shell;

/// <summary>
/// Builds the wrapper script that runs <c>obs -File path args...</c> the way <c>pwsh -File</c> does:
/// <c>-Name value</c>, <c>-Name:value</c> and <c>-Switch</c> bind to the script's param() by name, everything else
/// positionally. The arguments themselves never become code: they are passed as an array and referenced by
/// index, and only tokens that are valid parameter names are spliced into the text.
/// </summary>
internal static partial class ScriptInvocation
{
    public const string FileParameter = "__obsFile";
    public const string ArgsParameter = "__obsArgs";

    /// <summary>
    /// A script ending in <c>exit N</c> only sets $LASTEXITCODE and fails its own statement (<c>$?</c> false) —
    /// the engine raises exit to the host only at top level. Re-issuing the exit here, at top level, hands the
    /// code to the host; a native command's failure inside the script does not trip <c>$?</c>, so it does not leak.
    /// </summary>
    public static (string Script, string[] Values) Build(IReadOnlyList<string> args)
    {
        var text = new StringBuilder();
        text.Append("param($").Append(FileParameter).Append(", [string[]]$").Append(ArgsParameter).Append(")\n& $").Append(FileParameter);
        var values = new List<string>();
        var literal = false;
        foreach (var arg in args)
        {
            var match = ParameterToken().Match(arg);
            if (literal || !match.Success)
            {
                text.Append(" $").Append(ArgsParameter).Append('[').Append(values.Count).Append(']');
                values.Add(arg);
            }
            else if (arg == "--")
            {
                literal = true;
            }
            else if (match.Groups["value"].Success)
            {
                text.Append(" -").Append(match.Groups["name"].Value).Append(":$").Append(ArgsParameter).Append('[').Append(values.Count).Append(']');
                values.Add(match.Groups["value"].Value);
            }
            else
            {
                text.Append(" -").Append(match.Groups["name"].Value);
            }
        }

        text.Append("\nif (-not $? -and $global:LASTEXITCODE -is [int] -and $global:LASTEXITCODE -ne 0) { exit $global:LASTEXITCODE }\n");
        return (text.ToString(), [.. values]);
    }

    [GeneratedRegex(@"^(--|-(?<name>[A-Za-z_][A-Za-z0-9_]*)(:(?<value>.*))?)$", RegexOptions.Singleline)]
    private static partial Regex ParameterToken();
}
