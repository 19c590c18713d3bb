using System.CommandLine;

namespace ObsScaling.Shell;

/// <summary>
/// The command line, pwsh-style: <c>-Command text...</c> / <c>-c</c>, <c>-File path [args...]</c> / <c>-f</c>,
/// <c>-OutputFormat Table|Json</c> / <c>-o</c>, <c>-Module path</c> / <c>-m</c> (repeatable), <c>-NonInteractive</c>. As in pwsh, option
/// names are case-insensitive, everything after <c>-File path</c> belongs to the script and everything after
/// <c>-Command</c> is joined into the command text, so those tokens are split off before System.CommandLine parses.
/// </summary>
internal sealed record ShellOptions(string? Command, string? File, IReadOnlyList<string> ScriptArguments, OutputFormat OutputFormat, IReadOnlyList<string> Modules, bool NonInteractive = false)
{
    private static readonly Option<OutputFormat> OutputFormatOption = new("-OutputFormat", "-o", "--output-format")
    {
        Description = "Table (default): objects as tables. Json: one JSON array of the output objects.",
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    private static readonly Option<string[]> ModuleOption = new("-Module", "-m", "--module")
    {
        Description = "A module manifest or dll to import, in addition to modules/ and $env:OBSSCALING_MODULE.",
        AllowMultipleArgumentsPerToken = false,
    };

    private static readonly Option<string> CommandOption = new("-Command", "-c", "--command")
    {
        Description = "Run the text (all remaining arguments) as PowerShell and exit.",
    };

    private static readonly Option<string> FileOption = new("-File", "-f", "--file")
    {
        Description = "Run a .ps1 script; the remaining arguments are the script's arguments.",
    };

    private static readonly Option<bool> NonInteractiveOption = new("-NonInteractive", "-noni", "--non-interactive")
    {
        Description = "Never wait for input: a confirmation or other prompt fails the command instead of asking.",
    };

    private static readonly string[] Canonical = ["-Command", "-c", "-File", "-f", "-OutputFormat", "-o", "-Module", "-m", "-NonInteractive", "-noni"];

    public static RootCommand CreateRootCommand() => new("obs: the ObsScaling shell, PowerShell hosted in-process with the ObsScaling module. With no arguments it starts an interactive prompt.")
    {
        CommandOption,
        FileOption,
        OutputFormatOption,
        ModuleOption,
        NonInteractiveOption,
    };

    /// <summary>Parses the shell's own options; the script arguments and command text come back separately.</summary>
    public static ParseResult Parse(RootCommand root, IReadOnlyList<string> args, out IReadOnlyList<string> scriptArguments, out string? commandText)
    {
        var own = new List<string>();
        scriptArguments = [];
        commandText = null;
        for (var i = 0; i < args.Count; i++)
        {
            var token = Normalize(args[i]);
            if (token is "-File" or "-f" && i + 1 < args.Count)
            {
                own.Add(token);
                own.Add(args[i + 1]);
                scriptArguments = [.. args.Skip(i + 2)];
                break;
            }

            if (token is "-Command" or "-c" && i + 1 < args.Count)
            {
                commandText = string.Join(' ', args.Skip(i + 1));
                break;
            }

            own.Add(token);
        }

        return root.Parse(own);
    }

    public static ShellOptions FromParseResult(ParseResult result, IReadOnlyList<string> scriptArguments, string? commandText) => new(
        commandText,
        result.GetValue(FileOption),
        scriptArguments,
        result.GetValue(OutputFormatOption),
        result.GetValue(ModuleOption) ?? [],
        result.GetValue(NonInteractiveOption));

    private static string Normalize(string token) =>
        Canonical.FirstOrDefault(c => string.Equals(c, token, StringComparison.OrdinalIgnoreCase)) ?? token;
}
