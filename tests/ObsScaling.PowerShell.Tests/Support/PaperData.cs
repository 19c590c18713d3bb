namespace ObsScaling.PowerShell.Tests.Support;

/// <summary>The paper's public data (shared/data/obsscaling in an ancestor of the test directory); tests skip without it.</summary>
internal static class PaperData
{
    private static readonly Lazy<string?> Root = new(() => ObsScaling.Testing.PaperDataDirectory.Path);

    public static void SkipIfAbsent() => Skip.If(Root.Value is null, "the paper's public data (shared/data/obsscaling) is not present in an ancestor of the test directory");

    public static string PathOf(string name) => Path.Combine(Root.Value!, name);
}
