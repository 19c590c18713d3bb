using System.Management.Automation.Language;

namespace ObsScaling.Pester.Tests;

/// <summary>
/// Each It block of Commands/*.Tests.ps1 as its own xunit case: Pester runs them all once in a real pwsh
/// (<see cref="PesterSuite"/>), and each case asserts its own result with Pester's failure message.
/// </summary>
public sealed class PesterTests(PesterSuite suite) : IClassFixture<PesterSuite>
{
    public static TheoryData<PesterTestName> Cases => [.. PesterCase.Discover().Select(c => new PesterTestName(c.Id))];

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Passes_under_pwsh(PesterTestName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var test = name.Id;
        Skip.If(suite.SkipReason is not null, suite.SkipReason);
        var results = suite.ResultsFor(test);
        Assert.True(results.Count > 0, $"Pester did not run '{test}'.\n{ContainerFailures()}\n{Tail(suite.Log)}");
        var failed = results.Where(r => r.Result != "Passed" && r.Result != "Skipped").ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed.Select(r => $"{r.Result}: {r.Message}")) + "\n" + ContainerFailures());
        // -Skip in the file (paper data absent, or behaviour pending another change): reported as skipped, with the reason the file gives.
        Skip.If(results.All(r => r.Result == "Skipped"), "skipped by Pester: " + SkipComment(test));
    }

    [SkippableFact]
    public void Pester_ran_exactly_the_It_blocks_the_parser_found()
    {
        Skip.If(suite.SkipReason is not null, suite.SkipReason);
        var listed = PesterCase.Discover().Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var unlisted = suite.RanTests.Where(t => !listed.Contains(t)).ToList();
        Assert.True(unlisted.Count == 0, "Pester ran tests the harness cannot list (dynamic names?):\n" + string.Join("\n", unlisted));
        Assert.Empty(suite.Containers.Where(c => c.Result == "Failed").Select(c => $"{c.File}: {c.Message}"));
    }

    [Fact]
    public void Every_exported_cmdlet_has_its_own_test_file()
    {
        var manifest = Path.Combine(PesterSuiteRoot(), "module", "ObsScaling.PowerShell", "ObsScaling.psd1");
        var ast = Parser.ParseFile(manifest, out _, out var errors);
        Assert.Empty(errors);
        var table = (HashtableAst)ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false)!;
        var exported = table.KeyValuePairs.Single(p => p.Item1 is StringConstantExpressionAst { Value: "CmdletsToExport" }).Item2
            .FindAll(a => a is StringConstantExpressionAst, searchNestedScriptBlocks: false)
            .Cast<StringConstantExpressionAst>().Select(s => s.Value).Order(StringComparer.Ordinal).ToList();
        var files = Directory.GetFiles(PesterCase.TestDirectory, "*.Tests.ps1")
            .Select(f => Path.GetFileName(f)[..^".Tests.ps1".Length]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(24, exported.Count);
        Assert.Equal(exported, files);
        Assert.All(PesterCase.Discover().GroupBy(c => c.File), g => Assert.True(g.Count() >= 2, $"{g.Key} has fewer than two It blocks"));
    }

    private static string PesterSuiteRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ObsScaling.Grpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root not found");
    }

    private string ContainerFailures() =>
        string.Join("\n", suite.Containers.Where(c => c.Result == "Failed" && !string.IsNullOrEmpty(c.Message)).Select(c => $"{Path.GetFileName(c.File)}: {c.Message}"));

    private static string Tail(string log) => log.Length <= 4000 ? log : "…" + log[^4000..];

    // The comment line just above the It block says why it is skipped (the suite's convention).
    private static string SkipComment(string test)
    {
        var c = PesterCase.Discover().FirstOrDefault(x => x.Id == test);
        if (c is null)
        {
            return "-Skip";
        }

        var lines = File.ReadAllLines(c.File);
        var above = c.Line >= 2 ? lines[c.Line - 2].Trim() : "";
        return above.StartsWith('#') ? above.TrimStart('#', ' ') : $"-Skip at {Path.GetFileName(c.File)}:{c.Line}";
    }
}
