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

    public static string MissingReason => SkipReason;

    public static string BaseEvalCsv => Path.Combine(Directory ?? "missing-data", PaperDatasets.BaseBenchmarkFile);

    /// <summary>The 8 base benchmarks in the file's column order.</summary>
    public static string[] Metrics => [.. PaperMetrics.BaseBenchmarks];

    /// <summary>The default 77-model set of method.md §1 as plain arrays.</summary>
    public static DefaultSet LoadDefaultSet()
    {
        var set = DefaultBase();
        return new DefaultSet(
            set.Models.Select(m => m.Name).ToArray(),
            set.Models.Select(m => m.Family).ToArray(),
            set.Column(ModelColumns.FlopsE21),
            set.Matrix(Metrics));
    }

    public static void SkipIfAbsent() => Skip.IfNot(Available, SkipReason);

    public static TextReader Open(string file) => File.OpenText(Path.Combine(Directory!, file));

    public static ModelSet Read(string file) => PaperDatasets.Read(Open, file);

    public static ModelSet DefaultBase() => PaperDatasets.LoadBase(Open);

    /// <summary>
    /// ../shared/data/obsscaling beside the repository root (the folder holding ObsScaling.Grpc.sln); a git
    /// worktree sits deeper, so further ancestors are tried too.
    /// </summary>
    private static string? FindRoot()
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
    }
}

internal sealed record DefaultSet(string[] Models, string?[] Families, double[] FlopsE21, double[,] Scores);
