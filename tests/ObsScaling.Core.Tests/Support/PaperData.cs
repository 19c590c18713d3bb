using ObsScaling.Core.Domain;
using ObsScaling.Core.Import;

namespace ObsScaling.Core.Tests.Support;

/// <summary>Locates the paper's public data beside the repository (../shared/data/obsscaling).</summary>
internal static class PaperData
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    public static string? Directory => Root.Value;

    public static bool Available => Directory is not null;

    public static string SkipReason => "the paper's public data (../shared/data/obsscaling) is not present beside the repository";

    public static void SkipIfAbsent() => Skip.IfNot(Available, SkipReason);

    public static TextReader Open(string file) => File.OpenText(Path.Combine(Directory!, file));

    public static ModelSet Read(string file) => PaperDatasets.Read(Open, file);

    public static ModelSet DefaultBase() => PaperDatasets.LoadBase(Open);

    private static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ObsScaling.Grpc.sln")))
            {
                var data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "obsscaling"));
                return File.Exists(Path.Combine(data, PaperDatasets.BaseBenchmarkFile)) ? data : null;
            }
        }

        return null;
    }
}
