using System.Management.Automation.Language;

namespace ObsScaling.Pester.Tests;

/// <summary>
/// One It block of a Commands/*.Tests.ps1 file, found by parsing the file (not by running it), named as Pester
/// names it: the file, then the Describe/Context names around it and its own, joined by " › ".
/// </summary>
internal sealed record PesterCase(string File, IReadOnlyList<string> Path, int Line)
{
    private static readonly string[] BlockCommands = ["Describe", "Context"];

    public string Id => Key(File, Path);

    public static string Key(string file, IEnumerable<string> path) => System.IO.Path.GetFileName(file) + ": " + string.Join(" › ", path);

    public static string TestDirectory => System.IO.Path.Combine(AppContext.BaseDirectory, "Commands");

    public static IReadOnlyList<PesterCase> Discover() => [.. Directory.GetFiles(TestDirectory, "*.Tests.ps1").Order(StringComparer.Ordinal).SelectMany(Parse)];

    public static IEnumerable<PesterCase> Parse(string file)
    {
        var ast = Parser.ParseFile(file, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new InvalidOperationException($"{file}:{errors[0].Extent.StartLineNumber}: {errors[0].Message}");
        }

        foreach (var it in ast.FindAll(a => a is CommandAst c && c.GetCommandName() == "It", searchNestedScriptBlocks: true).Cast<CommandAst>())
        {
            var path = new List<string> { NameOf(it, file) };
            for (var parent = it.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is CommandAst block && BlockCommands.Contains(block.GetCommandName(), StringComparer.OrdinalIgnoreCase))
                {
                    path.Insert(0, NameOf(block, file));
                }
            }

            yield return new PesterCase(file, path, it.Extent.StartLineNumber);
        }
    }

    // Pester allows names anywhere among the parameters; the suite keeps them first and literal so that a parser,
    // not a test run, can list the cases.
    private static string NameOf(CommandAst command, string file) =>
        command.CommandElements.Count > 1 && command.CommandElements[1] is StringConstantExpressionAst name
            ? name.Value
            : throw new InvalidOperationException(
                $"{file}:{command.Extent.StartLineNumber}: write {command.GetCommandName()} 'literal name' first, so that the harness can list the test without running it");
}
