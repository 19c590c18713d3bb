using ObsScaling.Core.Domain;
using ObsScaling.Core.Import;

namespace ObsScaling.Server.Tests.Support;

/// <summary>The paper's public data beside the repository (../shared/data/obsscaling); tests skip without it.</summary>
internal static class PaperData
{
    private static readonly Lazy<string?> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ObsScaling.Grpc.sln")))
        {
            dir = dir.Parent;
        }

        for (var up = dir?.Parent; up is not null; up = up.Parent)
        {
            var data = Path.Combine(up.FullName, "shared", "data", "obsscaling");
            if (File.Exists(Path.Combine(data, PaperDatasets.BaseBenchmarkFile)))
            {
                return data;
            }
        }

        return null;
    });

    public static void SkipIfAbsent() => Skip.If(Root.Value is null, "the paper's public data (../shared/data/obsscaling) is not present beside the repository");

    public static TextReader Open(string file) => File.OpenText(Path.Combine(Root.Value!, file));
}
