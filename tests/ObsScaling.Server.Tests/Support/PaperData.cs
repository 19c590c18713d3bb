using ObsScaling.Core.Domain;
using ObsScaling.Core.Import;

namespace ObsScaling.Server.Tests.Support;

/// <summary>The paper's public data beside the repository (../shared/data/obsscaling); tests skip without it.</summary>
internal static class PaperData
{
    private static readonly Lazy<string?> Root = new(() => ObsScaling.Testing.PaperDataDirectory.Path);

    public static void SkipIfAbsent() => Skip.If(Root.Value is null, ObsScaling.Testing.PaperDataDirectory.SkipReason);

    public static TextReader Open(string file) => File.OpenText(Path.Combine(Root.Value!, file));
}
