using System.Text.Json;
using ObsScaling.Core.Import;

namespace ObsScaling.PowerShell.Tests.Support;

/// <summary>The paper's public data (shared/data/obsscaling in an ancestor of the test directory); tests skip without it.</summary>
internal static class PaperData
{
    private static readonly Lazy<string?> Root = new(() => ObsScaling.Testing.PaperDataDirectory.Path);

    private static readonly Lazy<JsonElement> Golden = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "golden.json")));
        return doc.RootElement.Clone();
    });

    public static void SkipIfAbsent() => Skip.If(Root.Value is null, "the paper's public data (shared/data/obsscaling) is not present in an ancestor of the test directory");

    public static string PathOf(string name) => Path.Combine(Root.Value!, name);

    public static JsonElement Holdout(string name) =>
        Golden.Value.GetProperty("holdouts").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    public static void RelativeClose(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");
}
